package mangaassist.devstack.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModerationAnswersTest {

    @Test
    void recognisesAModerationPrompt() {
        assertThat(ModerationAnswers.isModeration("You are the content moderator of a manga store.")).isTrue();
        assertThat(ModerationAnswers.isModeration("You are the intent classifier of a manga store.")).isFalse();
        assertThat(ModerationAnswers.isModeration(null)).isFalse();
    }

    @Test
    void judgesOnlyTheContentAndTheWorstRuleWins() {
        assertThat(ModerationAnswers.judge("Content type: review\n<content>\n最高の巻でした！\n</content>"))
                .isEqualTo("{\"verdict\":\"allow\",\"reasons\":[]}");
        assertThat(ModerationAnswers.judge("<content>Spoiler: he survives. Mail me at a@b.jp</content>"))
                .isEqualTo("{\"verdict\":\"review\",\"reasons\":[\"possible unmarked spoiler\",\"personal information\"]}");
        assertThat(ModerationAnswers.judge("<content>ネタバレ注意。お前を殺す</content>"))
                .isEqualTo("{\"verdict\":\"block\",\"reasons\":[\"threat of violence\",\"possible unmarked spoiler\"]}");
        // the words of the prompt around the content do not count
        assertThat(ModerationAnswers.judge("Block spam such as https://x <content>good</content>"))
                .isEqualTo("{\"verdict\":\"allow\",\"reasons\":[]}");
    }
}
