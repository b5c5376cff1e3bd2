package mangaassist.chat.message;

/**
 * Seed 000 §3.2 {@code _detect_language}: more than 30% Japanese characters → "ja"; otherwise the
 * client's preference. Precedence as the seed: Japanese-heavy text is answered in Japanese even when
 * the preference says "en". Denominator as the seed: every code point, whitespace included.
 */
public final class LanguageDetector {

    private LanguageDetector() {
    }

    /**
     * @param text      normalised message
     * @param preferred ja | en | auto (anything else is treated as auto)
     * @return "ja" or "en"
     */
    public static String detect(String text, String preferred) {
        String s = text == null ? "" : text;
        int total = Math.max(s.codePointCount(0, s.length()), 1);
        long japanese = s.codePoints().filter(LanguageDetector::isJapanese).count();
        // Integer form of japanese/total > 0.3, so that exactly 30% is not "ja" (as the seed's float).
        if (japanese * 10 > total * 3L) {
            return "ja";
        }
        // Seed defaulted the preference to "ja", so English text without a preference was answered in
        // Japanese; here auto/unknown falls back to "en".
        return "ja".equals(preferred) ? "ja" : "en";
    }

    /**
     * Kana and kanji. Wider than the seed's three BMP ranges: also half-width katakana (NFC keeps
     * them), 々〆〇, CJK extension A, compatibility ideographs and supplementary-plane kanji (𠮷).
     */
    static boolean isJapanese(int cp) {
        return (cp >= 0x3040 && cp <= 0x30FF)        // hiragana, katakana (seed)
                || (cp >= 0x4E00 && cp <= 0x9FFF)    // CJK unified ideographs (seed)
                || (cp >= 0x3005 && cp <= 0x3007)
                || (cp >= 0x31F0 && cp <= 0x31FF)
                || (cp >= 0x3400 && cp <= 0x4DBF)
                || (cp >= 0xF900 && cp <= 0xFAFF)
                || (cp >= 0xFF66 && cp <= 0xFF9F)
                || (cp >= 0x20000 && cp <= 0x3134F);
    }
}
