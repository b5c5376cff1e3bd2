package mangaassist.moderation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/**
 * The model's judgement of a content: {@code allow|review|block} with its reasons.
 *
 * @param verdict     allow (nothing against the policy), review (a person should look) or block
 * @param reasons     short phrases, empty for allow
 * @param modelAnswer the model's text when it was not a verdict (then the verdict is review), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModerationVerdict(String verdict, List<String> reasons, String modelAnswer) {

    public static final Set<String> VERDICTS = Set.of("allow", "review", "block");
    static final String NOT_A_VERDICT = "the model's answer was not a verdict";

    private static final ObjectReader STRICT = new ObjectMapper().readerFor(JsonNode.class)
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    public ModerationVerdict {
        reasons = List.copyOf(reasons);
    }

    /**
     * The verdict in the model's text: a JSON object (also inside a ```json fence) with a known {@code verdict} and
     * {@code reasons} (a list, or one string). Anything else is not allowed through: review, with the text kept for
     * the reviewer.
     */
    static ModerationVerdict parse(String text) {
        JsonNode answer = json(text == null ? "" : text.strip());
        JsonNode verdict = answer == null ? null : answer.get("verdict");
        if (verdict == null || !verdict.isTextual() || !VERDICTS.contains(verdict.asText().strip().toLowerCase(Locale.ROOT))) {
            return new ModerationVerdict("review", List.of(NOT_A_VERDICT), text);
        }
        List<String> reasons = new ArrayList<>();
        JsonNode given = answer.get("reasons");
        if (given != null && given.isArray()) {
            given.forEach(r -> reasons.add(r.isTextual() ? r.asText() : r.toString()));
        } else if (given != null && given.isTextual() && !given.asText().isBlank()) {
            reasons.add(given.asText());
        }
        return new ModerationVerdict(verdict.asText().strip().toLowerCase(Locale.ROOT), reasons, null);
    }

    private static JsonNode json(String text) {
        String candidate = text;
        if (candidate.startsWith("```") && candidate.endsWith("```") && candidate.length() > 6) {
            candidate = candidate.substring(3, candidate.length() - 3);
            candidate = candidate.startsWith("json") ? candidate.substring(4) : candidate;
        }
        try {
            JsonNode node = candidate.isBlank() ? null : STRICT.readTree(candidate);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
