package mangaassist.chat;

import java.util.regex.Pattern;

/**
 * Seed 000 §3.2 {@code _post_process_japanese}: insert one space between a Japanese character
 * (U+3040–U+9FFF) and an ASCII letter or digit, in both directions. Same two regexes, same order,
 * so the output equals the seed's. Spaces are only inserted, never removed; the rule is idempotent.
 * Apply it to the final text, not to streamed deltas (a boundary may fall between two chunks).
 */
public final class JapaneseSpacing {

    private static final Pattern JA_THEN_ASCII = Pattern.compile("([\\u3040-\\u9fff])([a-zA-Z0-9])");
    private static final Pattern ASCII_THEN_JA = Pattern.compile("([a-zA-Z0-9])([\\u3040-\\u9fff])");

    private JapaneseSpacing() {
    }

    public static String apply(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String s = JA_THEN_ASCII.matcher(text).replaceAll("$1 $2");
        return ASCII_THEN_JA.matcher(s).replaceAll("$1 $2");
    }

    /** As the seed: only Japanese answers are post-processed. */
    public static String apply(String text, String language) {
        return "ja".equals(language) ? apply(text) : text;
    }
}
