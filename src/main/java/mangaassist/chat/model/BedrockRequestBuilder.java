package mangaassist.chat.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import mangaassist.chat.session.ChatTurn;

/**
 * Claude 3 Messages body for Bedrock InvokeModel (seed 000 §3.2 {@code ModelTransformer}).
 * Better than the seed: the LATEST 10 turns (the seed's sync handler queried the OLDEST 20, then took
 * 10 of those); {@code max_tokens} always present (the sync handler omitted it, which Bedrock
 * rejects); the history is made valid for the Messages API (starts with user, roles alternate).
 */
public final class BedrockRequestBuilder {

    public static final String ANTHROPIC_VERSION = "bedrock-2023-05-31";
    public static final int HISTORY_TURNS = 10;
    public static final int DEFAULT_MAX_TOKENS = 4096;   // seed
    public static final double DEFAULT_TEMPERATURE = 0.3; // seed

    // Verbatim from the seed's SYSTEM_PROMPTS.
    public static final String SYSTEM_PROMPT_JA = "あなたはMangaAssistです。日本のマンガ書店のチャットボットです。"
            + "お客様のマンガ探し、シリーズや作者に関する質問への回答、"
            + "おすすめの提案、注文のサポートを行います。丁寧な敬語を使用してください。";
    public static final String SYSTEM_PROMPT_EN = "You are MangaAssist, a chatbot for a Japanese manga store. "
            + "Help customers find manga, answer questions about series and authors, "
            + "provide recommendations, and assist with orders.";

    static final String FACTS_HEADER_JA = "在庫情報:";
    static final String FACTS_HEADER_EN = "Stock facts:";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    public ObjectNode build(String language, List<ChatTurn> history, String message, List<String> facts) {
        return build(language, history, message, facts, DEFAULT_MAX_TOKENS, DEFAULT_TEMPERATURE);
    }

    public ObjectNode build(String language, List<ChatTurn> history, String message, List<String> facts,
                            int maxTokens, double temperature) {
        Objects.requireNonNull(message, "message");
        if (maxTokens < 1) {
            throw new IllegalArgumentException("maxTokens must be positive");
        }
        if (temperature < 0.0 || temperature > 1.0) {
            throw new IllegalArgumentException("temperature must be within 0..1");
        }
        ObjectNode body = JSON.objectNode();
        body.put("anthropic_version", ANTHROPIC_VERSION);
        body.put("max_tokens", maxTokens);
        body.put("temperature", temperature);
        body.put("system", systemPrompt(language, facts));
        body.set("messages", messages(history, message));
        return body;
    }

    /** Seed prompt for "ja", English for anything else (seed: {@code .get(lang, en)}), plus the facts block. */
    static String systemPrompt(String language, List<String> facts) {
        boolean ja = "ja".equals(language);
        StringBuilder sb = new StringBuilder(ja ? SYSTEM_PROMPT_JA : SYSTEM_PROMPT_EN);
        List<String> lines = facts == null ? List.of() : facts.stream()
                .filter(Objects::nonNull)
                // One fact per line: a newline inside an ERP title must not open a new prompt section.
                .map(f -> f.replaceAll("\\s+", " ").strip())
                .filter(f -> !f.isEmpty())
                .toList();
        if (!lines.isEmpty()) {
            sb.append("\n\n").append(ja ? FACTS_HEADER_JA : FACTS_HEADER_EN);
            lines.forEach(f -> sb.append("\n- ").append(f));
        }
        return sb.toString();
    }

    static ArrayNode messages(List<ChatTurn> history, String message) {
        List<ChatTurn> usable = history == null ? List.of() : history.stream()
                .filter(t -> t != null && isRole(t.role()) && t.content() != null && !t.content().isBlank())
                .sorted(Comparator.comparingLong(ChatTurn::timestamp)) // stable: equal stamps keep order
                .toList();
        List<ChatTurn> window = usable.subList(Math.max(0, usable.size() - HISTORY_TURNS), usable.size());

        List<String[]> turns = new ArrayList<>();
        for (ChatTurn t : window) {
            add(turns, t.role(), t.content());
        }
        add(turns, ChatTurn.USER, message);

        ArrayNode out = JSON.arrayNode();
        for (String[] t : turns) {
            out.addObject().put("role", t[0]).put("content", t[1]);
        }
        return out;
    }

    // The Messages API requires the first message to be "user" and roles to alternate: a leading
    // assistant turn is dropped, consecutive same-role turns are merged.
    private static void add(List<String[]> turns, String role, String content) {
        if (turns.isEmpty() && ChatTurn.ASSISTANT.equals(role)) {
            return;
        }
        if (!turns.isEmpty() && turns.get(turns.size() - 1)[0].equals(role)) {
            String[] last = turns.get(turns.size() - 1);
            last[1] = last[1] + "\n\n" + content;
            return;
        }
        turns.add(new String[] {role, content});
    }

    private static boolean isRole(String role) {
        return ChatTurn.USER.equals(role) || ChatTurn.ASSISTANT.equals(role);
    }
}
