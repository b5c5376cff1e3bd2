package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LanguageDetectorTest {

    @Test
    void japaneseTextIsJa() {
        assertThat(LanguageDetector.detect("ワンピースの42巻は在庫ありますか？", "auto")).isEqualTo("ja");
        assertThat(LanguageDetector.detect("おすすめの漫画は？", "auto")).isEqualTo("ja");
    }

    @Test
    void englishTextWithoutPreferenceIsEn_seedDefaultedToJa() {
        // Seed: preferred defaulted to "ja", so this English question got a Japanese answer.
        assertThat(LanguageDetector.detect("Is volume 42 of One Piece in stock?", "auto")).isEqualTo("en");
        assertThat(LanguageDetector.detect("Is volume 42 of One Piece in stock?", null)).isEqualTo("en");
    }

    @Test
    void seedPrecedence_japaneseHeavyTextWinsOverPreferenceEn() {
        assertThat(LanguageDetector.detect("ワンピースの在庫はありますか", "en")).isEqualTo("ja");
    }

    @Test
    void seedPrecedence_preferenceDecidesWhenTextIsNotJapaneseHeavy() {
        assertThat(LanguageDetector.detect("One Piece vol 42?", "ja")).isEqualTo("ja");
        assertThat(LanguageDetector.detect("One Piece vol 42?", "en")).isEqualTo("en");
    }

    @Test
    void thresholdIsStrictlyMoreThanThirtyPercent() {
        // 3 of 10 code points = 30% → not ja (seed: jp/total > 0.3)
        assertThat(LanguageDetector.detect("漫画本abcdefg", "auto")).isEqualTo("en");
        // 4 of 10 → ja
        assertThat(LanguageDetector.detect("漫画本をabcdef", "auto")).isEqualTo("ja");
    }

    @Test
    void denominatorCountsWhitespaceAsTheSeedDoes() {
        // 2 kanji, 3 spaces, 3 letters: 2/8 = 25% of all chars (seed) → en; 2/5 = 40% of non-space would be ja.
        assertThat(LanguageDetector.detect("漫画   abc", "auto")).isEqualTo("en");
    }

    @Test
    void halfWidthKatakanaCountsAsJapanese_seedMissedIt() {
        // NFC keeps half-width kana; the seed's ranges did not include U+FF66–FF9F.
        assertThat(LanguageDetector.detect("ﾜﾝﾋﾟｰｽ ｱﾘﾏｽｶ", "en")).isEqualTo("ja");
    }

    @Test
    void supplementaryKanjiCountsOncePerCodePoint() {
        // 𠮷 is one code point (two UTF-16 units): 𠮷野家 = 3 of 5 code points = 60% → ja
        assertThat(LanguageDetector.detect("𠮷野家ab", "auto")).isEqualTo("ja");
    }

    @Test
    void emptyTextFallsBackToPreference() {
        assertThat(LanguageDetector.detect("", "ja")).isEqualTo("ja");
        assertThat(LanguageDetector.detect(null, "auto")).isEqualTo("en");
    }
}
