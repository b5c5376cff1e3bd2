package mangaassist.devstack.bedrock;

import java.util.regex.Pattern;

/** Recognises the model ids the emulator serves. */
final class ModelIds {

    static final String TITAN_EMBED_V2 = "amazon.titan-embed-text-v2:0";

    /** Cross-region inference profiles put a geography in front of the base id. */
    private static final Pattern PROFILE_PREFIX = Pattern.compile("^(us|eu|apac|us-gov|global)\\.");
    private static final Pattern VERSION_SUFFIX = Pattern.compile("-v\\d+(:\\d+)?$");

    enum Kind { CLAUDE, TITAN_EMBED, UNKNOWN }

    private ModelIds() {
    }

    static String baseId(String modelId) {
        return PROFILE_PREFIX.matcher(modelId).replaceFirst("");
    }

    static Kind kind(String modelId) {
        String base = baseId(modelId);
        if (base.startsWith("anthropic.claude")) {
            return Kind.CLAUDE;
        }
        return base.equals(TITAN_EMBED_V2) ? Kind.TITAN_EMBED : Kind.UNKNOWN;
    }

    /** The name Claude reports in "model", e.g. claude-3-haiku-20240307 (as Bedrock does). */
    static String anthropicName(String modelId) {
        String name = baseId(modelId).substring("anthropic.".length());
        return VERSION_SUFFIX.matcher(name).replaceFirst("");
    }

    /** True when the id, or the id without its inference-profile prefix, starts with the prefix. */
    static boolean matches(String modelId, String prefix) {
        return prefix == null || modelId.startsWith(prefix) || baseId(modelId).startsWith(prefix);
    }
}
