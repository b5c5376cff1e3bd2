package mangaassist.catalog;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;

/**
 * Titan Text Embeddings V2's request and answer ({@code {"inputText","dimensions","normalize"}} →
 * {@code {"embedding": [...]}}), shared by the documents (catalog-cdc) and the queries (catalog-search): both sides
 * of a k-NN comparison must be made by the same model with the same settings.
 */
public final class TitanEmbeddings {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TitanEmbeddings() {
    }

    /** The request for a text; normalised vectors, as the index's cosine similarity expects. */
    public static InvokeModelRequest request(String modelId, String text, int dimensions) {
        ObjectNode body = JSON.createObjectNode()
                .put("inputText", text)
                .put("dimensions", dimensions)
                .put("normalize", true);
        return InvokeModelRequest.builder().modelId(modelId).contentType("application/json").accept("application/json")
                .body(SdkBytes.fromUtf8String(body.toString())).build();
    }

    /** The vector of an answer; an answer without one of the expected size is an error. */
    public static List<Float> vector(InvokeModelResponse response, int dimensions) {
        JsonNode embedding;
        try {
            embedding = JSON.readTree(response.body().asUtf8String()).path("embedding");
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the embedding model answered no JSON", e);
        }
        if (!embedding.isArray() || embedding.size() != dimensions) {
            throw new IllegalStateException("the embedding model answered no vector of " + dimensions + " dimensions");
        }
        List<Float> vector = new ArrayList<>(embedding.size());
        embedding.forEach(v -> vector.add(v.floatValue()));
        return vector;
    }
}
