package mangaassist.chat.intent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class IntentModelPromptTest {

    private final IntentModelPrompt prompt = new IntentModelPrompt();
    private final Intent unsure = new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, "One Piece", 42);

    @Test
    void asksForJsonWithTheMessageAsTheOnlyTurn() {
        ObjectNode body = prompt.body("ONE PIECE 42 在庫ある？");
        assertThat(body.path("anthropic_version").asText()).isEqualTo("bedrock-2023-05-31");
        assertThat(body.path("temperature").asDouble()).isZero();
        assertThat(body.path("max_tokens").asInt()).isBetween(1, 200);
        assertThat(body.path("system").asText()).contains("intent classifier", "inventory_check", "JSON");
        assertThat(body.path("messages")).hasSize(1);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo("ONE PIECE 42 在庫ある？");
    }

    @Test
    void anInventoryVerdictWithTitleAndVolumeIsSure() {
        Intent intent = prompt.parse("{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":42}", unsure);
        assertThat(intent).isEqualTo(new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 42));
    }

    @Test
    void jsonWrappedInProseOrFencesIsRead() {
        Intent intent = prompt.parse("Sure!\n```json\n{\"intent\": \"inventory_check\", \"title\": \" 呪術廻戦 \", "
                + "\"volume\": \"7\"}\n```", unsure);
        assertThat(intent.titleQuery()).isEqualTo("呪術廻戦");
        assertThat(intent.volume()).isEqualTo(7);
        assertThat(intent.confidence()).isEqualTo(Intent.Confidence.HIGH);
    }

    @Test
    void whatTheModelLeavesOutKeepsTheFirstGuess() {
        Intent intent = prompt.parse("{\"intent\":\"inventory_check\",\"title\":null,\"volume\":null}", unsure);
        assertThat(intent.titleQuery()).isEqualTo("One Piece");
        assertThat(intent.volume()).isEqualTo(42);
        Intent noVolume = prompt.parse("{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":0}",
                new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, null, null));
        assertThat(noVolume.volume()).isNull();
        assertThat(noVolume.confidence()).isEqualTo(Intent.Confidence.LOW);
    }

    @Test
    void aGeneralVerdictOverridesTheFirstGuess() {
        assertThat(prompt.parse("{\"intent\":\"general\"}", unsure)).isEqualTo(Intent.general());
    }

    @Test
    void anUnusableAnswerLeavesTheFirstGuess() {
        assertThat(prompt.parse(null, unsure)).isSameAs(unsure);
        assertThat(prompt.parse("I think it is a stock question.", unsure)).isSameAs(unsure);
        assertThat(prompt.parse("{\"intent\": \"order_status\"}", unsure)).isSameAs(unsure);
        assertThat(prompt.parse("{\"intent\": 3}", unsure)).isSameAs(unsure);
        assertThat(prompt.parse("{broken", unsure)).isSameAs(unsure);
        assertThat(prompt.parse("{\"intent\":\"inventory_check\",\"title\":\"" + "x".repeat(101) + "\",\"volume\":1}",
                unsure).titleQuery()).isEqualTo("One Piece");
    }
}
