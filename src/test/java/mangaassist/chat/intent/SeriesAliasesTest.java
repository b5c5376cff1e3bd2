package mangaassist.chat.intent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SeriesAliasesTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "One Piece|ワンピース", "ONE PIECE|ワンピース", "one-piece|ワンピース", "ＯＮＥ ＰＩＥＣＥ|ワンピース",
            "Attack on Titan|進撃の巨人", "Shingeki no Kyojin|進撃の巨人",
            "Demon Slayer|鬼滅の刃", "Kimetsu no Yaiba|鬼滅の刃",
            "Jujutsu Kaisen|呪術廻戦",
            "Naruto|NARUTO -ナルト-", "ナルト|NARUTO -ナルト-",
            "Spy x Family|SPY×FAMILY", "SPY×FAMILY|SPY×FAMILY", "Spy Family|SPY×FAMILY",
            "Frieren|葬送のフリーレン", "Frieren: Beyond Journey's End|葬送のフリーレン",
    })
    void knownNames(String name, String catalogTitle) {
        assertThat(SeriesAliases.catalogTitle(name)).contains(catalogTitle);
        assertThat(SeriesAliases.resolve(name)).isEqualTo(catalogTitle);
    }

    @Test
    void unknownNamesPassThrough() {
        assertThat(SeriesAliases.catalogTitle("Blue Lock")).isEmpty();
        assertThat(SeriesAliases.resolve(" ブルーロック ")).isEqualTo("ブルーロック");
        assertThat(SeriesAliases.resolve(null)).isNull();
    }
}
