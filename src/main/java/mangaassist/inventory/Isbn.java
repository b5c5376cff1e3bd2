package mangaassist.inventory;

import java.util.regex.Pattern;

/**
 * ISBN-10/13 validation and canonical form (digits only, 'X' upper-case, length kept).
 * Better than the seed's data-quality regex (hyphens only, no check digit): check digits are
 * verified, ISBN-13 must be 978/979 (Bookland), full-width input is folded, and any character that
 * is not a digit, X or a separator is refused — so "<", "'" or "&" can never reach a SOAP request.
 */
public final class Isbn {

    private static final int MAX_INPUT_CHARS = 40;
    private static final Pattern PREFIX = Pattern.compile("^(?i)isbn(?:-1[03])?\\s*:?\\s*");

    private Isbn() {
    }

    /** @return 10 or 13 characters; throws {@link InvalidIsbnException} otherwise. */
    public static String normalize(String input) {
        if (input == null || input.isBlank()) {
            throw new InvalidIsbnException("ISBN is required.");
        }
        if (input.length() > MAX_INPUT_CHARS) {
            throw new InvalidIsbnException("ISBN must be 10 or 13 digits.");
        }
        String folded = PREFIX.matcher(foldWidth(input).strip()).replaceFirst("");
        StringBuilder digits = new StringBuilder(13);
        for (int i = 0; i < folded.length(); i++) {
            char c = folded.charAt(i);
            if (c >= '0' && c <= '9') {
                digits.append(c);
            } else if (c == 'X' || c == 'x') {
                digits.append('X');
            } else if (!isSeparator(c)) {
                throw new InvalidIsbnException("ISBN may contain only digits, X and hyphens.");
            }
        }
        String d = digits.toString();
        int x = d.indexOf('X');
        if (d.length() == 10) {
            if (x >= 0 && x != 9) {
                throw new InvalidIsbnException("In an ISBN-10 only the last character may be X.");
            }
            if (check10(d) != d.charAt(9)) {
                throw new InvalidIsbnException("ISBN check digit is not valid.");
            }
            return d;
        }
        if (d.length() == 13 && x < 0) {
            if (!d.startsWith("978") && !d.startsWith("979")) {
                throw new InvalidIsbnException("ISBN-13 must start with 978 or 979.");
            }
            if (check13(d) != d.charAt(12)) {
                throw new InvalidIsbnException("ISBN check digit is not valid.");
            }
            return d;
        }
        throw new InvalidIsbnException("ISBN must be 10 or 13 digits.");
    }

    public static boolean isValid(String input) {
        try {
            normalize(input);
            return true;
        } catch (InvalidIsbnException e) {
            return false;
        }
    }

    /** Canonical ISBN-13 of a valid ISBN-10 or ISBN-13 (978 + first nine digits + new check digit). */
    public static String toIsbn13(String input) {
        String d = normalize(input);
        if (d.length() == 13) {
            return d;
        }
        String body = "978" + d.substring(0, 9);
        return body + check13(body);
    }

    // Full-width ASCII (U+FF01–FF5E) → ASCII and U+3000 → space; deliberately not NFKC, which would
    // also turn ① into 1.
    private static String foldWidth(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(c >= '\uFF01' && c <= '\uFF5E' ? (char) (c - 0xFEE0) : c == '\u3000' ? ' ' : c);
        }
        return sb.toString();
    }

    // Hyphen look-alikes typed by Japanese IMEs: ー (long vowel mark) and ｰ, plus Unicode dashes.
    private static boolean isSeparator(char c) {
        return c == '-' || c == ' ' || c == 'ー' || c == 'ｰ' || c == '−' || (c >= '\u2010' && c <= '\u2015');
    }

    private static char check10(String d) {
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (10 - i) * (d.charAt(i) - '0');
        }
        int check = (11 - sum % 11) % 11;
        return check == 10 ? 'X' : (char) ('0' + check);
    }

    private static char check13(String d) {
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (d.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (char) ('0' + (10 - sum % 10) % 10);
    }
}
