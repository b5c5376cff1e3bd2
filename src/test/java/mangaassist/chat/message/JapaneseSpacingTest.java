package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JapaneseSpacingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ワンピースは42巻まで|ワンピースは 42 巻まで",
            "MangaAssistです|MangaAssist です",
            "在庫はONE PIECEの|在庫は ONE PIECE の",
            "日A日B|日 A 日 B",
            "A日B|A 日 B",
            "漢字abc漢字|漢字 abc 漢字",
            "第42巻|第 42 巻",
            "ポイント10倍|ポイント 10 倍",
    })
    void insertsOneSpaceBetweenJapaneseAndAsciiAlphanumerics(String in, String out) {
        assertThat(JapaneseSpacing.apply(in)).isEqualTo(out);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "「ONE PIECE」の42巻|「ONE PIECE」の 42 巻",   // CJK brackets U+300C/D are outside the seed's range
            "４２巻|４２巻",                              // full-width digits are not ASCII
            "価格：¥484|価格：¥484",
            "ワンピース 42 巻|ワンピース 42 巻",            // already spaced: unchanged (idempotent)
            "Hello world|Hello world",
    })
    void leavesOtherBoundariesAlone(String in, String out) {
        assertThat(JapaneseSpacing.apply(in)).isEqualTo(out);
    }

    @Test
    void idempotent() {
        String once = JapaneseSpacing.apply("ワンピース42巻はAmazonでも");
        assertThat(JapaneseSpacing.apply(once)).isEqualTo(once).isEqualTo("ワンピース 42 巻は Amazon でも");
    }

    @Test
    void onlyForJapaneseAsTheSeed() {
        assertThat(JapaneseSpacing.apply("Volume 42巻", "en")).isEqualTo("Volume 42巻");
        assertThat(JapaneseSpacing.apply("Volume 42巻", "ja")).isEqualTo("Volume 42 巻");
    }

    @Test
    void nullAndEmpty() {
        assertThat(JapaneseSpacing.apply(null)).isNull();
        assertThat(JapaneseSpacing.apply("")).isEmpty();
    }

    @Test
    void streamedChunksPutTogetherEqualTheSpacedWholeWhereverTheCutsFall() {
        String text = "『ワンピース 42』（ISBN: 9784088725420）は在庫87冊、価格528円です。SPY×FAMILYの1巻もあります。𠮷野家A";
        String whole = JapaneseSpacing.apply(text);
        for (int size = 1; size <= 7; size++) {
            JapaneseSpacing.Stream stream = new JapaneseSpacing.Stream("ja");
            StringBuilder streamed = new StringBuilder();
            int[] cps = text.codePoints().toArray();
            for (int i = 0; i < cps.length; i += size) {
                streamed.append(stream.next(new String(cps, i, Math.min(size, cps.length - i))));
            }
            assertThat(streamed.toString()).as("chunks of %d", size).isEqualTo(whole);
        }
        assertThat(new JapaneseSpacing.Stream("en").next("日本語A")).isEqualTo("日本語A");
    }
}
