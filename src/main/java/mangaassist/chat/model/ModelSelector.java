package mangaassist.chat.model;

import java.util.Objects;
import mangaassist.chat.intent.Intent;

/**
 * Seed 000 §1.1 {@code _select_model}: fast → Haiku, quality → Sonnet, auto → Haiku below the
 * length threshold, else Sonnet. Added: an inventory intent goes to Sonnet in auto mode, as in the
 * seed's data flow for "Is Volume 42 of One Piece in stock?" (configurable).
 */
public final class ModelSelector {

    private final ModelConfig config;

    public ModelSelector() {
        this(ModelConfig.defaults());
    }

    public ModelSelector(ModelConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** @return the Bedrock model id to invoke; {@code intent} may be null (not classified). */
    public String select(ModelPreference preference, String message, Intent intent) {
        ModelPreference p = preference == null ? ModelPreference.AUTO : preference;
        return switch (p) {
            case FAST -> config.haikuModelId();
            case QUALITY -> config.sonnetModelId();
            case AUTO -> auto(message, intent);
        };
    }

    public String select(String preference, String message, Intent intent) {
        return select(ModelPreference.from(preference), message, intent);
    }

    private String auto(String message, Intent intent) {
        if (config.qualityForInventory() && intent != null && intent.isInventory()) {
            return config.sonnetModelId();
        }
        String m = message == null ? "" : message;
        // Code points, like Python's len(): an emoji or 𠮷 counts once.
        return m.codePointCount(0, m.length()) < config.autoThresholdCodePoints()
                ? config.haikuModelId()
                : config.sonnetModelId();
    }
}
