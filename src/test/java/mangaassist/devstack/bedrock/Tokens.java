package mangaassist.devstack.bedrock;

import java.util.ArrayList;
import java.util.List;

/**
 * A toy tokenizer that gives plausible Claude-like counts without a real vocabulary: every kana,
 * kanji or full-width character is one token, other text is cut into pieces of at most four
 * characters (a space starts a new piece). Counting and streaming use the same pieces, so the
 * usage numbers always match the text that was sent.
 */
final class Tokens {

    private static final int MAX_ASCII_PIECE = 4;

    private Tokens() {
    }

    static List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        StringBuilder piece = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (isWide(cp) || !Character.isLetterOrDigit(cp) && !Character.isWhitespace(cp)) {
                if (!isBlank(piece)) {
                    flush(piece, pieces);
                }
                // Whitespace in front joins the next token, as it does in real tokenizers.
                piece.appendCodePoint(cp);
                flush(piece, pieces);
                continue;
            }
            if (Character.isWhitespace(cp) && !piece.isEmpty() && !isBlank(piece)) {
                flush(piece, pieces);
            } else if (piece.length() >= MAX_ASCII_PIECE) {
                flush(piece, pieces);
            }
            piece.appendCodePoint(cp);
        }
        flush(piece, pieces);
        return pieces;
    }

    static int count(String text) {
        return text == null || text.isEmpty() ? 0 : split(text).size();
    }

    /** Kana, CJK ideographs and full-width forms: what a Japanese prompt is made of. */
    static boolean isWide(int cp) {
        Character.UnicodeBlock block = Character.UnicodeBlock.of(cp);
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA
                || script == Character.UnicodeScript.HAN
                || block == Character.UnicodeBlock.CJK_SYMBOLS_AND_PUNCTUATION
                || block == Character.UnicodeBlock.HALFWIDTH_AND_FULLWIDTH_FORMS;
    }

    /** Hiragana, katakana or kanji (not punctuation): used for language detection and n-grams. */
    static boolean isJapaneseLetter(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA
                || script == Character.UnicodeScript.HAN
                || cp == 0x30FC; // prolonged sound mark ー is script COMMON
    }

    // a loop, not chars().allMatch(): called per character of every answer, and the stream's garbage
    // weighed on the benchmarks' GC
    private static boolean isBlank(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static void flush(StringBuilder piece, List<String> pieces) {
        if (!piece.isEmpty()) {
            pieces.add(piece.toString());
            piece.setLength(0);
        }
    }
}
