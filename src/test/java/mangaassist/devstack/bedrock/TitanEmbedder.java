package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Titan Text Embeddings V2 stand-in. Not semantic, but useful for search tests: feature hashing
 * of words (Latin text) and character bigrams (kana/kanji runs, which have no spaces) after NFC +
 * lower-casing. The same text always gives the same vector, and texts sharing words or bigrams
 * have a higher cosine similarity than unrelated ones.
 */
final class TitanEmbedder {

    record Request(String inputText, int dimensions, boolean normalize, List<String> embeddingTypes) {
    }

    private static final Set<String> ALLOWED_KEYS = Set.of("inputText", "dimensions", "normalize", "embeddingTypes");
    private static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024);
    /** Titan V2 accepts at most 8,192 tokens; in characters that is 50,000. */
    private static final int MAX_CHARS = 50_000;

    static Request parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw failure("#: expected type: JSONObject");
        }
        body.fieldNames().forEachRemaining(key -> {
            if (!ALLOWED_KEYS.contains(key)) {
                throw failure("#: extraneous key [" + key + "] is not permitted");
            }
        });
        JsonNode text = body.get("inputText");
        if (text == null || !text.isTextual()) {
            throw failure("#: required key [inputText] not found");
        }
        if (text.asText().isEmpty() || text.asText().length() > MAX_CHARS) {
            throw failure("#/inputText: expected minLength: 1, maxLength: " + MAX_CHARS);
        }
        JsonNode dims = body.get("dimensions");
        int dimensions = dims == null ? 1024 : dims.asInt(-1);
        if (dims != null && (!dims.isIntegralNumber() || !DIMENSIONS.contains(dimensions))) {
            throw failure("#/dimensions: " + dims + " is not a valid enum value");
        }
        JsonNode normalize = body.get("normalize");
        if (normalize != null && !normalize.isBoolean()) {
            throw failure("#/normalize: expected type: Boolean");
        }
        List<String> types = new ArrayList<>();
        for (JsonNode type : body.path("embeddingTypes")) {
            if (!type.asText().equals("float") && !type.asText().equals("binary")) {
                throw failure("#/embeddingTypes: " + type + " is not a valid enum value");
            }
            types.add(type.asText());
        }
        return new Request(text.asText(), dimensions, normalize == null || normalize.asBoolean(), List.copyOf(types));
    }

    float[] embed(String text, int dimensions, boolean normalize) {
        float[] vector = new float[dimensions];
        List<String> features = features(text);
        if (features.isEmpty()) {
            // Only punctuation or symbols: use the characters, so the vector is never all zeros.
            text.codePoints().forEach(cp -> features.add(new String(Character.toChars(cp))));
        }
        for (String feature : features) {
            long h = fnv1a(feature);
            int index = (int) Long.remainderUnsigned(h, dimensions);
            // The top bit picks the sign, so collisions tend to cancel out instead of adding up.
            vector[index] += ((h >>> 63) == 0) ? 1f : -1f;
        }
        if (normalize) {
            double norm = 0;
            for (float v : vector) {
                norm += v * v;
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < vector.length && norm > 0; i++) {
                vector[i] = (float) (vector[i] / norm);
            }
        }
        return vector;
    }

    /** Lower-case words outside kana/kanji runs; bigrams (or the lone character) inside them. */
    static List<String> features(String text) {
        String normalized = Normalizer.normalize(text, Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
        List<String> features = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        List<Integer> run = new ArrayList<>();
        normalized.codePoints().forEach(cp -> {
            if (Tokens.isJapaneseLetter(cp)) {
                flushWord(word, features);
                run.add(cp);
            } else {
                flushRun(run, features);
                if (Character.isLetterOrDigit(cp)) {
                    word.appendCodePoint(cp);
                } else {
                    flushWord(word, features);
                }
            }
        });
        flushWord(word, features);
        flushRun(run, features);
        return features;
    }

    private static void flushWord(StringBuilder word, List<String> features) {
        if (!word.isEmpty()) {
            features.add("w:" + word);
            word.setLength(0);
        }
    }

    private static void flushRun(List<Integer> run, List<String> features) {
        if (run.size() == 1) {
            features.add("c:" + new String(Character.toChars(run.get(0))));
        }
        for (int i = 0; i + 1 < run.size(); i++) {
            features.add("c:" + new String(Character.toChars(run.get(i))) + new String(Character.toChars(run.get(i + 1))));
        }
        run.clear();
    }

    /** 64-bit FNV-1a plus a final mix: stable across runs and JVMs, spread over all 64 bits. */
    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        // Final avalanche so the high bit used for the sign is well mixed.
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    private static AwsError.Failure failure(String detail) {
        return new AwsError.Failure(AwsError.malformedInput(detail));
    }
}
