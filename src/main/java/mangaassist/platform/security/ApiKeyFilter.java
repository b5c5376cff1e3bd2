package mangaassist.platform.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * API keys in front of every path of the port (Camel's REST servlet, actuator, Hawtio): a path that needs a scope
 * ({@link ProtectedPaths}) is answered 401 without a known key and 403 with a key that lacks the scope, with the JSON
 * error body of the REST APIs ({@code {"status":"error","requestId","code","error"}}).
 *
 * <p>The key comes in the {@code X-API-Key} header, or as the password of HTTP Basic (an operator's browser on Hawtio:
 * its 401 asks for Basic there). Neither header goes further than this filter: Camel would copy it into the exchange's
 * headers, and from there into SQS message attributes and DLQ archives.
 */
public class ApiKeyFilter extends OncePerRequestFilter {

    /** Request attribute: the name of the key that called (never the key). */
    public static final String CALLER = "mangaassist.apiCaller";

    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyFilter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUTHORIZATION = "Authorization";
    private static final String BASIC = "Basic ";
    /** Hawtio and Jolokia are used from a browser: their 401 asks for Basic, whose password is the key. */
    private static final String BROWSER_SCOPE = "operations";

    private final ApiKeys keys;
    private final ProtectedPaths paths;
    private final String header;
    private final MeterRegistry meters;

    public ApiKeyFilter(ApiKeys keys, ProtectedPaths paths, String header, MeterRegistry meters) {
        this.keys = keys;
        this.paths = paths;
        this.header = header;
        this.meters = meters;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // the servlet path and path info are decoded and normalised by the container (no /./, no ;params)
        String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        Optional<String> scope = paths.requiredScope(path);
        if (scope.isPresent()) {
            String presented = presentedKey(request);
            Optional<ApiKeys.Caller> caller = keys.find(presented);
            if (caller.isEmpty()) {
                refuse(response, scope.get(), 401, presented == null ? "API_KEY_REQUIRED" : "API_KEY_INVALID",
                        presented == null ? "An API key is required: send it in the " + header + " header."
                                : "The API key is not valid.");
                return;
            }
            if (!caller.get().scopes().contains(scope.get())) {
                refuse(response, scope.get(), 403, "FORBIDDEN",
                        "This API key may not call this API (scope " + scope.get() + " needed).");
                return;
            }
            request.setAttribute(CALLER, caller.get().name());
        }
        chain.doFilter(new WithoutCredentials(request, header), response);
    }

    private String presentedKey(HttpServletRequest request) {
        String key = request.getHeader(header);
        if (key != null && !key.isBlank()) {
            return key.strip();
        }
        String authorization = request.getHeader(AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
            try {
                String pair = new String(Base64.getDecoder().decode(authorization.substring(BASIC.length()).strip()),
                        StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 || colon == pair.length() - 1 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }

    private void refuse(HttpServletResponse response, String scope, int status, String code, String message)
            throws IOException {
        meters.counter("mangaassist.security.refused", "scope", scope, "status", Integer.toString(status)).increment();
        // the path, never the key: the key may be a real one, mistyped or sent to the wrong place
        LOG.debug("Refused with {} {} (scope {})", status, code, scope);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("requestId", UUID.randomUUID().toString());
        body.put("code", code);
        body.put("error", message);
        response.setStatus(status);
        if (status == 401) {
            response.setHeader("WWW-Authenticate", BROWSER_SCOPE.equals(scope)
                    ? "Basic realm=\"MangaAssist operations\", charset=\"UTF-8\""
                    : "ApiKey header=\"" + header + "\"");
        }
        response.setContentType("application/json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        byte[] bytes = JSON.writeValueAsBytes(body);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    /** The request as the application sees it: without the key's header and without Authorization. */
    static final class WithoutCredentials extends HttpServletRequestWrapper {

        private final String header;

        WithoutCredentials(HttpServletRequest request, String header) {
            super(request);
            this.header = header;
        }

        private boolean hidden(String name) {
            return header.equalsIgnoreCase(name) || AUTHORIZATION.equalsIgnoreCase(name);
        }

        @Override
        public String getHeader(String name) {
            return hidden(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return hidden(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(name -> !hidden(name)).toList());
        }
    }
}
