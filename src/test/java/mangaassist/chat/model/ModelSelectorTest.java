package mangaassist.chat.model;

import static org.assertj.core.api.Assertions.assertThat;

import mangaassist.chat.intent.Intent;
import org.junit.jupiter.api.Test;

class ModelSelectorTest {

    private static final ModelConfig CONFIG = new ModelConfig("haiku-id", "sonnet-id", 50, true);
    private final ModelSelector selector = new ModelSelector(CONFIG);
    private static final Intent INVENTORY = new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 42);

    @Test
    void fastAndQualityIgnoreLengthAndIntent() {
        assertThat(selector.select(ModelPreference.FAST, "x".repeat(500), INVENTORY)).isEqualTo("haiku-id");
        assertThat(selector.select(ModelPreference.QUALITY, "hi", Intent.general())).isEqualTo("sonnet-id");
    }

    @Test
    void autoUsesTheSeedsLengthThreshold() {
        assertThat(selector.select(ModelPreference.AUTO, "x".repeat(49), null)).isEqualTo("haiku-id");
        assertThat(selector.select(ModelPreference.AUTO, "x".repeat(50), null)).isEqualTo("sonnet-id");
        assertThat(selector.select(ModelPreference.AUTO, "x".repeat(49), Intent.general())).isEqualTo("haiku-id");
    }

    @Test
    void autoCountsCodePointsLikePythonLen() {
        // 49 emoji = 98 UTF-16 units; Python len() = 49 → Haiku
        assertThat(selector.select(ModelPreference.AUTO, "😊".repeat(49), null)).isEqualTo("haiku-id");
    }

    @Test
    void autoSendsInventoryToSonnetAsTheSeedDataFlow() {
        assertThat(selector.select(ModelPreference.AUTO, "ワンピース42巻の在庫は？", INVENTORY)).isEqualTo("sonnet-id");
    }

    @Test
    void inventoryRuleCanBeSwitchedOff() {
        ModelSelector s = new ModelSelector(new ModelConfig("haiku-id", "sonnet-id", 50, false));
        assertThat(s.select(ModelPreference.AUTO, "ワンピース42巻の在庫は？", INVENTORY)).isEqualTo("haiku-id");
    }

    @Test
    void thresholdComesFromConfig() {
        ModelSelector s = new ModelSelector(new ModelConfig("h", "s", 10, true));
        assertThat(s.select(ModelPreference.AUTO, "x".repeat(10), null)).isEqualTo("s");
    }

    @Test
    void stringPreferenceAndNullsAreLenient() {
        assertThat(selector.select("quality", "hi", null)).isEqualTo("sonnet-id");
        assertThat(selector.select("nonsense", "hi", null)).isEqualTo("haiku-id");
        assertThat(selector.select((ModelPreference) null, null, null)).isEqualTo("haiku-id");
    }

    @Test
    void defaultsAreClaude3HaikuAndSonnet() {
        ModelSelector d = new ModelSelector();
        assertThat(d.select(ModelPreference.FAST, "", null)).isEqualTo(ModelConfig.DEFAULT_HAIKU).contains("haiku");
        assertThat(d.select(ModelPreference.QUALITY, "", null)).isEqualTo(ModelConfig.DEFAULT_SONNET).contains("sonnet");
    }
}
