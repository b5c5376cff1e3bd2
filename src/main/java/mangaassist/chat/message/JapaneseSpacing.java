package mangaassist.chat.message;

import java.util.regex.Pattern;

/**
 * Seed 000 §3.2 {@code _post_process_japanese}: insert one space between a Japanese character
 * (U+3040–U+9FFF) and an ASCII letter or digit, in both directions. Same two regexes, same order,
 * so the output equals the seed's. Spaces are only inserted, never removed; the rule is idempotent.
 * Streamed text is spaced chunk by chunk with {@link Stream}, which sees across chunk boundaries, so
 * the streamed text equals the final one.
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

    /**
     * Spacing for text that arrives in chunks: each chunk is spaced together with the last character
     * of the one before, so the chunks put together equal {@link #apply(String)} of the whole text
     * (the rule only ever looks at two neighbouring characters).
     */
    public static final class Stream {
        private final boolean japanese;
        private String last = "";

        public Stream(String language) {
            this.japanese = "ja".equals(language);
        }

        public String next(String chunk) {
            if (!japanese || chunk == null || chunk.isEmpty()) {
                return chunk;
            }
            String spaced = apply(last + chunk).substring(last.length());
            last = chunk.substring(chunk.offsetByCodePoints(chunk.length(), -1));
            return spaced;
        }
    }
}
