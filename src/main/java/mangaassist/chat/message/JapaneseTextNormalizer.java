package mangaassist.chat.message;

import java.text.Normalizer;
import java.util.regex.Pattern;

/**
 * Inbound text normalisation (seed 000 §3.2 {@code _normalize_unicode} + {@code _sanitize}).
 * NFC, not NFKC: NFKC would rewrite what the customer typed (half-width kana, ①, ㈱, full-width
 * letters); NFC only unifies composed/decomposed forms, which is what cache keys need.
 */
public final class JapaneseTextNormalizer {

    // CR, CRLF and the Unicode line/paragraph separators all become \n. The seed deleted U+2028/9,
    // which glued the two lines' words together.
    private static final Pattern LINE_BREAKS = Pattern.compile("\\r\\n?|[\\u2028\\u2029]");
    // Zero-width and bidi-control characters (seed: U+200B–200F, U+202A–202E, U+FEFF; plus U+2060–2064
    // and the bidi isolates U+2066–2069) and C0 controls other than \t and \n.
    // The seed's range U+2028–202F also deleted U+202F (narrow no-break space), a visible space: kept.
    private static final Pattern INVISIBLE = Pattern.compile(
            "[\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF"
                    + "\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]");
    private static final Pattern EXCESS_NEWLINES = Pattern.compile("\\n{3,}");

    private JapaneseTextNormalizer() {
    }

    /** Returns the normalised text; null becomes "". Idempotent. */
    public static String normalize(String text) {
        if (text == null) {
            return "";
        }
        String s = LINE_BREAKS.matcher(replaceLoneSurrogates(text)).replaceAll("\n");
        s = INVISIBLE.matcher(s).replaceAll("");
        // NFC after stripping: a zero-width char between a base and its combining mark would
        // otherwise leave the result not in NFC (seed order: NFC first).
        s = Normalizer.normalize(s, Normalizer.Form.NFC);
        s = EXCESS_NEWLINES.matcher(s).replaceAll("\n\n");
        // strip(), not trim(): also removes the ideographic space U+3000, as Python's str.strip() does.
        return s.strip();
    }

    /**
     * A lone surrogate (valid in a JSON string's escapes, but no character) becomes U+FFFD, as a UTF-8 decoder does
     * with a broken sequence: left in, it became '?' wherever the text was encoded (the model's request, DynamoDB)
     * while the cache key kept it. Before the invisible characters go, so that removing one never pairs two halves.
     */
    private static String replaceLoneSurrogates(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isSurrogate(c)) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text);
            }
            out.setCharAt(i, '\uFFFD');
        }
        return out == null ? text : out.toString();
    }
}
