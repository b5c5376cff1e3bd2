package mangaassist.chat.intent;

import java.util.Objects;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.model.BedrockRequestBuilder;
import mangaassist.chat.session.ChatTurn;

/**
 * The second opinion on a stock question the {@link InventoryIntentClassifier} was unsure of: a
 * small Claude messages body asking the fast model (Haiku) for the intent, title and volume as JSON
 * (seed 003 data flow step 4), and the reading of its answer. An answer that is not the JSON asked
 * for leaves the first classification as it was.
 */
public final class IntentModelPrompt {

    public static final String INVENTORY_CHECK = "inventory_check";
    public static final String GENERAL = "general";

    static final String SYSTEM = "You are the intent classifier of a Japanese manga store's chatbot. "
            + "Classify the customer's message. Reply with one JSON object and nothing else: "
            + "{\"intent\": \"" + INVENTORY_CHECK + "\" or \"" + GENERAL + "\", "
            + "\"title\": the manga series title as the store's Japanese catalog spells it, or null, "
            + "\"volume\": the volume number as an integer, or null}. "
            + "inventory_check means the customer asks whether an item is in stock, available or can be bought.";

    private static final int MAX_TOKENS = 100;
    private static final int MAX_VOLUME = 999;
    private static final int MAX_TITLE_CHARS = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Claude messages body: deterministic (temperature 0) and short. */
    public ObjectNode body(String message) {
        Objects.requireNonNull(message, "message");
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("anthropic_version", BedrockRequestBuilder.ANTHROPIC_VERSION);
        body.put("max_tokens", MAX_TOKENS);
        body.put("temperature", 0.0);
        body.put("system", SYSTEM);
        body.putArray("messages").addObject().put("role", ChatTurn.USER).put("content", message);
        return body;
    }

    /**
     * The intent the model gave in {@code text} (the text of its reply), or {@code first} when the
     * answer is not the JSON asked for. A title and volume the model left out keep the first guess.
     */
    public Intent parse(String text, Intent first) {
        JsonNode answer = jsonIn(text);
        if (answer == null || !answer.path("intent").isTextual()) {
            return first;
        }
        return switch (answer.path("intent").asText()) {
            case GENERAL -> Intent.general();
            case INVENTORY_CHECK -> {
                String title = title(answer.path("title"));
                Integer volume = volume(answer.path("volume"));
                title = title != null ? title : first.titleQuery();
                volume = volume != null ? volume : first.volume();
                Intent.Confidence confidence = title != null && volume != null
                        ? Intent.Confidence.HIGH : Intent.Confidence.LOW;
                yield new Intent(Intent.Type.INVENTORY, confidence, title, volume);
            }
            default -> first;
        };
    }

    // Models wrap JSON in prose or code fences now and then: read the outermost object in the text.
    private static JsonNode jsonIn(String text) {
        if (text == null) {
            return null;
        }
        int start = text.indexOf('{');
        int end = text.lastIndexOf('}');
        if (start < 0 || end <= start) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(text.substring(start, end + 1));
            return node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static String title(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        String t = node.asText().replaceAll("\\s+", " ").strip();
        return t.isEmpty() || t.length() > MAX_TITLE_CHARS ? null : t;
    }

    private static Integer volume(JsonNode node) {
        int v;
        if (node.isIntegralNumber()) {
            v = node.asInt();
        } else if (node.isTextual() && node.asText().strip().matches("\\d{1,4}")) {
            v = Integer.parseInt(node.asText().strip());
        } else {
            return null;
        }
        return v >= 1 && v <= MAX_VOLUME ? v : null;
    }
}
