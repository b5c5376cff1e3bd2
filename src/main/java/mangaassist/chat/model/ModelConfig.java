package mangaassist.chat.model;

import java.util.Objects;

/**
 * Model ids and the auto-selection rule, bound from {@code mangaassist.chat.*} properties.
 *
 * @param autoThresholdCodePoints in auto mode, messages shorter than this go to Haiku (seed: 50)
 * @param qualityForInventory     in auto mode, inventory answers go to Sonnet (seed data flow step 10)
 */
public record ModelConfig(
        String haikuModelId,
        String sonnetModelId,
        int autoThresholdCodePoints,
        boolean qualityForInventory) {

    public static final String DEFAULT_HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    public static final String DEFAULT_SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";
    public static final int DEFAULT_AUTO_THRESHOLD = 50;

    public ModelConfig {
        Objects.requireNonNull(haikuModelId, "haikuModelId");
        Objects.requireNonNull(sonnetModelId, "sonnetModelId");
        if (autoThresholdCodePoints < 0) {
            throw new IllegalArgumentException("autoThresholdCodePoints must be >= 0");
        }
    }

    public static ModelConfig defaults() {
        return new ModelConfig(DEFAULT_HAIKU, DEFAULT_SONNET, DEFAULT_AUTO_THRESHOLD, true);
    }
}
