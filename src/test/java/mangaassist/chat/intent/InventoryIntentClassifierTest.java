package mangaassist.chat.intent;

import static org.assertj.core.api.Assertions.assertThat;

import mangaassist.chat.intent.Intent.Confidence;
import mangaassist.chat.intent.Intent.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class InventoryIntentClassifierTest {

    private final InventoryIntentClassifier classifier = new InventoryIntentClassifier();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ワンピースの42巻は在庫ありますか？|ワンピース|42",
            "ワンピース42巻の在庫はありますか|ワンピース|42",
            "ワンピース（４２巻）の在庫はありますか|ワンピース|42",
            "ワンピース第42巻は在庫ありますか|ワンピース|42",
            "ワンピース 第４２巻 在庫ある？|ワンピース|42",
            "すみません、進撃の巨人の3巻は入荷しましたか？|進撃の巨人|3",
            "ワンピース42巻ありますか|ワンピース|42",
            "「葬送のフリーレン」13巻は売り切れですか|葬送のフリーレン|13",
            "42巻のワンピースは在庫ありますか|ワンピース|42",
            "ONE PIECE 42巻 在庫|ONE PIECE|42",
            "Is volume 42 of One Piece in stock?|One Piece|42",
            "do you have One Piece vol. 42|One Piece|42",
            "One Piece #42 in stock?|One Piece|42",
            "Is Demon Slayer volume 5 available?|Demon Slayer|5",
            "Hi, do you have any copies of Jujutsu Kaisen vol 20?|Jujutsu Kaisen|20",
            "Is Spy x Family Vol.12 still in stock?|Spy x Family|12",
            "Kaiju No. 8 vol 3 in stock?|Kaiju No. 8|3",
    })
    void stockQuestionsWithTitleAndVolumeAreHighConfidence(String message, String title, int volume) {
        Intent intent = classifier.classify(message);
        assertThat(intent).isEqualTo(new Intent(Type.INVENTORY, Confidence.HIGH, title, volume));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"おすすめの漫画は？", "What is One Piece about?", "おすすめの漫画はありますか？",
            "ワンピースは何巻までありますか", "Do you have any recommendations?", "ワンピース42巻はいつ発売ですか",
            "How many volumes does Naruto have?", "こんにちは", "Tell me about volume 42 of One Piece"})
    void generalQuestionsDoNotFire(String message) {
        assertThat(classifier.classify(message)).isEqualTo(Intent.general());
    }

    @Test
    void nullAndBlankAreGeneral() {
        assertThat(classifier.classify(null)).isEqualTo(Intent.general());
        assertThat(classifier.classify(" ")).isEqualTo(Intent.general());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "ワンピースの在庫はありますか|ワンピース|-",       // no volume
            "Is One Piece in stock?|One Piece|-",
            "在庫はありますか？|-|-",                             // neither
            "Is it in stock?|-|-",
            "42巻は在庫ありますか|-|42",                           // no title
            "Is vol 42 in stock?|-|42",
            "One Piece 42 in stock?|One Piece|42",                // bare number: only a guess
            "ワンピース42は在庫ありますか|ワンピース|42",
            "ワンピースの0巻は在庫ありますか|ワンピース|-",     // impossible volume
    })
    void unclearStockQuestionsAreLowConfidence(String message, String title, Integer volume) {
        assertThat(classifier.classify(message)).isEqualTo(new Intent(Type.INVENTORY, Confidence.LOW, title, volume));
    }

    @Test
    void halfWidthKanaTitleIsFoldedForMatching() {
        Intent intent = classifier.classify("ﾜﾝﾋﾟｰｽ42巻の在庫ありますか");
        assertThat(intent.titleQuery()).isEqualTo("ワンピース");
        assertThat(intent.confidence()).isEqualTo(Confidence.HIGH);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Is volume 42 of One Piece in stock?|ワンピース",
            "Is Attack on Titan vol 34 in stock?|進撃の巨人",
            "Is Demon Slayer vol 1 in stock?|鬼滅の刃",
            "Is Jujutsu Kaisen vol 1 in stock?|呪術廻戦",
            "Is Naruto vol 72 in stock?|NARUTO -ナルト-",
            "Is Spy x Family vol 1 in stock?|SPY×FAMILY",
            "Is Frieren vol 1 in stock?|葬送のフリーレン",
            "ワンピース42巻の在庫はありますか|ワンピース",
            "Is Blue Lock vol 1 in stock?|Blue Lock",
    })
    void catalogTitleResolvesEnglishAliases(String message, String catalogTitle) {
        assertThat(classifier.classify(message).catalogTitle()).isEqualTo(catalogTitle);
    }

    @Test
    void generalIntentHasNoCatalogTitle() {
        assertThat(Intent.general().catalogTitle()).isNull();
    }
}
