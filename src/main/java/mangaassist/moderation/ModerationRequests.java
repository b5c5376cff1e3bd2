package mangaassist.moderation;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The producer API, {@code POST /api/moderation/jobs}: reads a job {@code {"contentId","contentType","text"}} into the
 * message body the consumer reads (with {@code requestedAt}, epoch seconds), and answers 202 with its message id.
 */
@Component("moderationRequests")
public class ModerationRequests {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ModerationProperties properties;
    private final Clock clock;

    @Autowired
    public ModerationRequests(ModerationProperties properties) {
        this(properties, Clock.systemUTC());
    }

    ModerationRequests(ModerationProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    /** The job as the queue's message body; 400 with an error per invalid field. */
    public String job(@Body String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ModerationRequestException("INVALID_JSON", "The body is not valid JSON.", List.of());
        }
        if (root == null) {
            throw new ModerationRequestException("INVALID_JSON", "The body is empty.", List.of());
        }
        if (!root.isObject()) {
            throw new ModerationRequestException("INVALID_JOB",
                    "The body must be a JSON object {\"contentId\",\"contentType\",\"text\"}.", List.of());
        }
        ModerationContent.Result read = ModerationContent.read(root, properties.maxTextChars());
        if (read.content() == null) {
            throw new ModerationRequestException("INVALID_JOB", read.errors().size() == 1 ? "One field is invalid."
                    : read.errors().size() + " fields are invalid.", read.errors());
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("contentId", read.content().contentId());
        message.put("contentType", read.content().contentType());
        message.put("text", read.content().text());
        message.put("requestedAt", clock.instant().getEpochSecond());
        return message.toString();
    }

    /** 202 {@code {"status":"queued","messageId"}}. */
    public Map<String, Object> queued(@Header(Sqs2Constants.MESSAGE_ID) String messageId, Exchange exchange) {
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("status", "queued");
        answer.put("messageId", messageId);
        return answer;
    }
}
