package mangaassist.platform;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error page as the app's JSON error body. Tomcat answers some requests itself, before any servlet: a path
 * with an encoded '/' or a control character (a "bad ISBN" such as {@code %3Cisbn%3E...%2F} or {@code ...%00}), or a
 * request it cannot parse. Its own valve writes an HTML page there; this one writes
 * {@code {"status":"error","requestId","code","error"}} (schemas/error-body.v1.json) like every other error of the
 * API, never a stack trace. Installed as the host's error report valve by {@link JsonErrorPagesConfiguration}.
 */
public class JsonErrorReportValve extends ErrorReportValve {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // as Tomcat's own valve: only errors, only while the answer can still be written, and not twice
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("requestId", UUID.randomUUID().toString());
        body.put("code", code(status));
        body.put("error", message(status));
        try {
            response.setContentType("application/json");
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(JSON.writeValueAsString(body));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone or the answer was committed meanwhile: nothing left to tell it
        }
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "BAD_REQUEST";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 413 -> "PAYLOAD_TOO_LARGE";
            case 414 -> "URI_TOO_LONG";
            case 431 -> "HEADERS_TOO_LARGE";
            default -> status >= 500 ? "INTERNAL" : "HTTP_" + status;
        };
    }

    static String message(int status) {
        return switch (status) {
            case 400 -> "The request could not be read: check its path (no encoded '/' or control characters) and headers.";
            case 404 -> "No such resource.";
            case 405 -> "This method is not allowed here.";
            case 413 -> "The request is too large.";
            case 414 -> "The request's URI is too long.";
            case 431 -> "The request's headers are too large.";
            default -> status >= 500 ? "An internal error occurred. Please try again later." : "The request was refused.";
        };
    }
}
