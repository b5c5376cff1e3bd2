package mangaassist.chat.model;

import java.util.Locale;

/** Client's model choice: fast → Haiku, quality → Sonnet, auto → {@link ModelSelector} decides. */
public enum ModelPreference {
    FAST, QUALITY, AUTO;

    /** Lenient: null, blank or unknown values mean AUTO (a client typo must not fail the chat). */
    public static ModelPreference from(String value) {
        if (value == null) {
            return AUTO;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "fast" -> FAST;
            case "quality" -> QUALITY;
            default -> AUTO;
        };
    }

    public String wireValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
