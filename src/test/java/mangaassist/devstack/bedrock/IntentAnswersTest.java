package mangaassist.devstack.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntentAnswersTest {

    @Test
    void recognisesAClassificationPrompt() {
        assertThat(IntentAnswers.isClassification("You are the intent classifier of a manga store.")).isTrue();
        assertThat(IntentAnswers.isClassification("You are MangaAssist, a chatbot.")).isFalse();
        assertThat(IntentAnswers.isClassification(null)).isFalse();
    }

    @Test
    void readsSeriesByAnyOfItsNamesAndTheVolume() {
        assertThat(IntentAnswers.classify("Do you have One Piece 42 in stock?"))
                .isEqualTo("{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":42}");
        assertThat(IntentAnswers.classify("ＯＮＥ　ＰＩＥＣＥの４２、在庫ある？"))
                .isEqualTo("{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":42}");
        assertThat(IntentAnswers.classify("Is Attack on Titan available?"))
                .isEqualTo("{\"intent\":\"inventory_check\",\"title\":\"進撃の巨人\",\"volume\":null}");
    }

    @Test
    void otherQuestionsAreGeneralAndUnknownSeriesHaveNoTitle() {
        assertThat(IntentAnswers.classify("おすすめの漫画を教えてください"))
                .isEqualTo("{\"intent\":\"general\",\"title\":null,\"volume\":null}");
        assertThat(IntentAnswers.classify("Is Unknown Saga 3 in stock?"))
                .isEqualTo("{\"intent\":\"inventory_check\",\"title\":null,\"volume\":3}");
    }
}
