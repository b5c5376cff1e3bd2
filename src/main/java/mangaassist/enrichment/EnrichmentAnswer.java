package mangaassist.enrichment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

/** The model's text as the enrichment to store (seed: {@code json.loads}, else {@code {"raw_text": text}}). */
public final class EnrichmentAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Only a whole document: by default "12 angry men" would read as 12. */
    private static final ObjectReader STRICT = JSON.readerFor(JsonNode.class).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private EnrichmentAnswer() {
    }

    public static JsonNode parse(String text) {
        JsonNode parsed = json(text.strip());
        if (parsed == null) {
            // better than the seed: Claude often fences its JSON in ```json ... ```
            String fenced = text.strip();
            if (fenced.startsWith("```") && fenced.endsWith("```") && fenced.length() > 6) {
                fenced = fenced.substring(3, fenced.length() - 3);
                parsed = json(fenced.startsWith("json") ? fenced.substring(4) : fenced);
            }
        }
        return parsed != null ? parsed : JSON.createObjectNode().put("raw_text", text);
    }

    private static JsonNode json(String raw) {
        String text = raw.strip();
        if (text.isEmpty() || !mayBeJson(text.charAt(0))) {
            // prose (the usual answer): not parsed, as a failed parse costs an exception
            return null;
        }
        try {
            JsonNode node = STRICT.readTree(text);
            return node == null || node.isMissingNode() ? null : node;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    /** The characters a JSON document (stripped) can start with: object, array, string, number, true, false, null. */
    static boolean mayBeJson(char first) {
        return first == '{' || first == '[' || first == '"' || first == '-' || (first >= '0' && first <= '9')
                || first == 't' || first == 'f' || first == 'n';
    }
}
