package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JapaneseTextNormalizerTest {

    @Test
    void composesCombiningDakutenWithNfc() {
        // か + U+3099 (combining dakuten) → が; は + U+309A → ぱ
        assertThat(JapaneseTextNormalizer.normalize("か\u3099き\u3099")).isEqualTo("がぎ");
        assertThat(JapaneseTextNormalizer.normalize("は\u309A")).isEqualTo("ぱ");
        assertThat(JapaneseTextNormalizer.normalize("ウ\u3099")).isEqualTo("ヴ");
        assertThat(JapaneseTextNormalizer.normalize("ン\u3099")).isEqualTo("ン\u3099"); // no precomposed form: kept
    }

    @Test
    void nfcNotNfkc_halfWidthKanaAndFullWidthDigitsAreKept() {
        // DESIGN and seed: NFC. NFKC would rewrite what the customer typed.
        assertThat(JapaneseTextNormalizer.normalize("ｶﾞﾝﾀﾞﾑ")).isEqualTo("ｶﾞﾝﾀﾞﾑ");
        assertThat(JapaneseTextNormalizer.normalize("４２巻")).isEqualTo("４２巻");
        assertThat(JapaneseTextNormalizer.normalize("①㈱")).isEqualTo("①㈱");
    }

    @Test
    void spacingDakutenU309BIsNotCombinedByNfc() {
        // ゛ (U+309B) is a spacing mark, not combining: NFC leaves it (pinned so nobody expects が).
        assertThat(JapaneseTextNormalizer.normalize("か゛")).isEqualTo("か゛");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u200B", "\u200C", "\u200D", "\uFEFF", "\u2060", "\u200E", "\u202E", "\u2066"})
    void stripsZeroWidthAndBidiControls(String invisible) {
        assertThat(JapaneseTextNormalizer.normalize("ワン" + invisible + "ピース")).isEqualTo("ワンピース");
    }

    @Test
    void stripsBomAtStart() {
        assertThat(JapaneseTextNormalizer.normalize("\uFEFFこんにちは")).isEqualTo("こんにちは");
    }

    @Test
    void collapsesThreeOrMoreNewlinesToTwo() {
        assertThat(JapaneseTextNormalizer.normalize("a\n\n\n\n\nb")).isEqualTo("a\n\nb");
        assertThat(JapaneseTextNormalizer.normalize("a\n\nb")).isEqualTo("a\n\nb");
    }

    @Test
    void normalisesCrLfBeforeCollapsing_seedMissedCrLf() {
        // Seed's \n{3,} never matched "\r\n\r\n\r\n".
        assertThat(JapaneseTextNormalizer.normalize("a\r\n\r\n\r\nb\rc")).isEqualTo("a\n\nb\nc");
    }

    @Test
    void lineSeparatorBecomesNewline_seedDeletedItAndGluedWords() {
        assertThat(JapaneseTextNormalizer.normalize("one\u2028two")).isEqualTo("one\ntwo");
    }

    @Test
    void zeroWidthCharsBetweenNewlinesDoNotPreventCollapse() {
        assertThat(JapaneseTextNormalizer.normalize("a\n\u200B\n\u200B\n\u200Bb")).isEqualTo("a\n\nb");
    }

    @Test
    void stripsIdeographicSpaceAndOuterWhitespace() {
        assertThat(JapaneseTextNormalizer.normalize("\u3000 こんにちは \t\n")).isEqualTo("こんにちは");
    }

    @Test
    void keepsNarrowNoBreakSpace_seedDeletedIt() {
        assertThat(JapaneseTextNormalizer.normalize("100\u202F%")).isEqualTo("100\u202F%");
    }

    @Test
    void stripsControlCharactersButKeepsTabsAndNewlines() {
        assertThat(JapaneseTextNormalizer.normalize("a\u0000b\u001B[31mc\td\ne")).isEqualTo("ab[31mc\td\ne");
    }

    @Test
    void resultIsNfcEvenWhenZeroWidthSitsBeforeACombiningMark() {
        String out = JapaneseTextNormalizer.normalize("か\u200B\u3099");
        assertThat(out).isEqualTo("が");
        assertThat(Normalizer.isNormalized(out, Normalizer.Form.NFC)).isTrue();
    }

    @Test
    void nullAndOnlyInvisibleBecomeEmpty() {
        assertThat(JapaneseTextNormalizer.normalize(null)).isEmpty();
        assertThat(JapaneseTextNormalizer.normalize("\u200B\uFEFF \u3000")).isEmpty();
    }

    @Test
    void idempotent() {
        String once = JapaneseTextNormalizer.normalize(" か\u3099\r\n\r\n\r\n\u200Bｶﾞ ");
        assertThat(JapaneseTextNormalizer.normalize(once)).isEqualTo(once);
    }

    @Test
    void aLoneSurrogateBecomesTheReplacementCharacter() {
        assertThat(JapaneseTextNormalizer.normalize("ワン\uD83Dピース")).isEqualTo("ワン\uFFFDピース");
        assertThat(JapaneseTextNormalizer.normalize("\uDE00a\uD83D")).isEqualTo("\uFFFDa\uFFFD");
        // removing the zero-width space between two halves does not make them a character
        assertThat(JapaneseTextNormalizer.normalize("a\uD83D\u200B\uDE00")).isEqualTo("a\uFFFD\uFFFD");
        assertThat(JapaneseTextNormalizer.normalize("a\uD83D\uDE00")).isEqualTo("a\uD83D\uDE00");
    }

    @Test
    void keepsEmojiSurrogatePairs() {
        assertThat(JapaneseTextNormalizer.normalize("ありがとう😊")).isEqualTo("ありがとう😊");
    }
}
