package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import java.text.Normalizer;

import static mangaassist.devstack.bedrock.SdkClients.TITAN;
import static mangaassist.devstack.bedrock.SdkClients.invoke;
import static mangaassist.devstack.bedrock.SdkClients.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Titan Text Embeddings V2 through the real sync SDK client. */
class TitanEmbeddingTest {

    private static BedrockEmulator bedrock;
    private static BedrockRuntimeClient client;

    @BeforeAll
    static void start() {
        bedrock = new BedrockEmulator().start("127.0.0.1", 0);
        client = SdkClients.apache(bedrock.endpoint());
    }

    @AfterAll
    static void stop() {
        client.close();
        bedrock.stop();
    }

    @Test
    void defaultsTo1024NormalisedDimensionsAndCountsTokens() {
        JsonNode response = call(body("ワンピース 最新刊"));

        assertThat(response.path("embedding")).hasSize(1024);
        assertThat(norm(vector(response))).isCloseTo(1.0, within(1e-5));
        assertThat(response.path("inputTextTokenCount").asInt()).isEqualTo(8);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 1024})
    void honoursDimensions(int dimensions) {
        JsonNode response = call(body("Dragon Ball volume 1").put("dimensions", dimensions));

        assertThat(response.path("embedding")).hasSize(dimensions);
        assertThat(norm(vector(response))).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void withoutNormalisationReturnsRawFeatureCounts() {
        double[] raw = vector(call(body("one piece one piece one piece").put("normalize", false)));

        assertThat(norm(raw)).isGreaterThan(2.0);
        assertThat(raw).contains(3.0);
    }

    @Test
    void isDeterministicAndNfcNormalised() {
        String composed = "ガンダム";
        String decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
        assertThat(decomposed).isNotEqualTo(composed);

        double[] first = vector(call(body(composed)));
        double[] second = vector(call(body(composed)));
        double[] fromDecomposed = vector(call(body(decomposed)));

        assertThat(second).containsExactly(first);
        assertThat(fromDecomposed).containsExactly(first);
    }

    @Test
    void textsSharingWordsAreCloserThanUnrelatedTexts() {
        double[] query = vector(call(body("Dragon Ball Super volume 20")));
        double[] related = vector(call(body("dragon ball z complete box set")));
        double[] unrelated = vector(call(body("cooking recipes for beginners")));

        assertThat(cosine(query, related)).isGreaterThan(cosine(query, unrelated) + 0.2);
    }

    @Test
    void japaneseTextsSharingBigramsAreCloserThanUnrelatedTexts() {
        // No spaces: similarity has to come from character bigrams.
        double[] query = vector(call(body("進撃の巨人の最終巻")));
        double[] related = vector(call(body("進撃の巨人 全34巻セット")));
        double[] unrelated = vector(call(body("料理の基本レシピ集")));

        double relatedScore = cosine(query, related);
        assertThat(relatedScore).isGreaterThan(0.3).isGreaterThan(cosine(query, unrelated) + 0.2);
        assertThat(cosine(query, query)).isCloseTo(1.0, within(1e-5));
    }

    @Test
    void rejectsBadRequests() {
        assertThatThrownBy(() -> call(body("x").put("dimensions", 300)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("dimensions");
        assertThatThrownBy(() -> call(body("x").put("texts", "y")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("extraneous key [texts]");
        assertThatThrownBy(() -> call(SdkClients.JSON.createObjectNode().put("dimensions", 256)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("inputText");
    }

    private static ObjectNode body(String text) {
        return SdkClients.JSON.createObjectNode().put("inputText", text);
    }

    private static JsonNode call(ObjectNode body) {
        return parse(client.invokeModel(invoke(TITAN, body)).body());
    }

    private static double[] vector(JsonNode response) {
        JsonNode embedding = response.path("embedding");
        double[] v = new double[embedding.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = embedding.get(i).asDouble();
        }
        return v;
    }

    private static double norm(double[] v) {
        return Math.sqrt(dot(v, v));
    }

    private static double cosine(double[] a, double[] b) {
        return dot(a, b) / (norm(a) * norm(b));
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
