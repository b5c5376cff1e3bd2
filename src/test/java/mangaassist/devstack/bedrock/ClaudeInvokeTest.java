package mangaassist.devstack.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

import static mangaassist.devstack.bedrock.SdkClients.HAIKU;
import static mangaassist.devstack.bedrock.SdkClients.HAIKU_35;
import static mangaassist.devstack.bedrock.SdkClients.SONNET;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_EN;
import static mangaassist.devstack.bedrock.SdkClients.SYSTEM_JA;
import static mangaassist.devstack.bedrock.SdkClients.claudeBody;
import static mangaassist.devstack.bedrock.SdkClients.invoke;
import static mangaassist.devstack.bedrock.SdkClients.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** InvokeModel for Claude through the real sync SDK clients (Apache and URLConnection, HTTP/1.1). */
class ClaudeInvokeTest {

    private static BedrockEmulator bedrock;
    private static BedrockRuntimeClient apache;
    private static BedrockRuntimeClient urlConnection;

    @BeforeAll
    static void start() {
        bedrock = new BedrockEmulator().start("127.0.0.1", 0);
        apache = SdkClients.apache(bedrock.endpoint());
        urlConnection = SdkClients.urlConnection(bedrock.endpoint());
    }

    @AfterAll
    static void stop() {
        apache.close();
        urlConnection.close();
        bedrock.stop();
    }

    @BeforeEach
    void reset() {
        bedrock.control().reset();
    }

    @Test
    void answersJapaneseSystemPromptInKeigoWithTheRealResponseShape() {
        ObjectNode body = claudeBody(SYSTEM_JA, "おすすめの少年マンガを教えてください", 4096);

        JsonNode response = parse(apache.invokeModel(invoke(HAIKU, body)).body());

        assertThat(response.path("id").asText()).startsWith("msg_");
        assertThat(response.path("type").asText()).isEqualTo("message");
        assertThat(response.path("role").asText()).isEqualTo("assistant");
        assertThat(response.path("model").asText()).isEqualTo("claude-3-haiku-20240307");
        assertThat(response.path("stop_reason").asText()).isEqualTo("end_turn");
        assertThat(response.get("stop_sequence").isNull()).isTrue();
        assertThat(response.path("content")).hasSize(1);
        assertThat(response.path("content").get(0).path("type").asText()).isEqualTo("text");
        String text = response.path("content").get(0).path("text").asText();
        assertThat(text).startsWith("お問い合わせありがとうございます。")
                .contains("「おすすめの少年マンガを教えてください」")
                .contains("いたします。", "ございましたら")
                .doesNotContainIgnoringCase("claude").doesNotContainIgnoringCase("haiku");
        assertThat(text.chars().filter(c -> c >= 'a' && c <= 'z')).isEmpty();
        // Japanese: about one token per character, and the input counts the system prompt too.
        int inputTokens = response.path("usage").path("input_tokens").asInt();
        assertThat(inputTokens).isGreaterThan(SYSTEM_JA.length() - 10 + "おすすめの少年マンガを教えてください".length());
        assertThat(response.path("usage").path("output_tokens").asInt())
                .isBetween(text.length() * 8 / 10, text.length());
    }

    @Test
    void answersEnglishSystemPromptInEnglishAndEchoesTheTopic() {
        JsonNode response = parse(apache.invokeModel(invoke(SONNET,
                claudeBody(SYSTEM_EN, "Can you recommend a fantasy manga for teenagers?", 1000))).body());

        String text = response.path("content").get(0).path("text").asText();
        assertThat(text).startsWith("Thank you for your question about \"Can you recommend a fantasy manga for…\".")
                .contains("please let me know");
        assertThat(text.codePoints().filter(Tokens::isJapaneseLetter)).isEmpty();
        assertThat(response.path("model").asText()).isEqualTo("claude-3-sonnet-20240229");
        int outputTokens = response.path("usage").path("output_tokens").asInt();
        assertThat(outputTokens).isBetween(text.length() / 6, text.length() / 2);
    }

    @Test
    void groundsTheAnswerInStockFactsOfTheSystemPrompt() {
        String system = SYSTEM_JA + "\n\n在庫情報:\n"
                + "title=ワンピース 42 | isbn=9784088733890 | stock=in_stock | quantity=12 | price=484\n"
                + "title=呪術廻戦 1 | stock=out_of_stock | quantity=0\n";

        String text = textOf(apache.invokeModel(invoke(HAIKU, claudeBody(system, "ワンピース42巻と呪術廻戦1巻の在庫はありますか？", 4096))));

        assertThat(text).startsWith("お問い合わせありがとうございます。")
                .contains("『ワンピース 42』（ISBN: 9784088733890）は、現在在庫がございます。在庫数は12冊です。価格は484円です。")
                .contains("『呪術廻戦 1』は、あいにく現在在庫切れとなっております。");
    }

    @Test
    void groundsTheAnswerInFactLinesOfTheUserMessageInEnglish() {
        String user = "Is Chainsaw Man 11 available?\n"
                + "[FACT] title: Chainsaw Man 11\n"
                + "[FACT] stock: low_stock\n"
                + "[FACT] quantity: 2\n"
                + "[FACT] price: 528";

        String text = textOf(apache.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_EN, user, 4096))));

        assertThat(text).contains("\"Chainsaw Man 11\" is in stock, but only a few copies are left. "
                + "Quantity available: 2 copies. The price is ¥528.");
    }

    @Test
    void acceptsContentBlocksHistoryAndInferenceProfileIds() {
        ObjectNode body = claudeBody(SYSTEM_EN, "ignored", 512);
        body.putArray("messages")
                .add(SdkClients.JSON.createObjectNode().put("role", "user").put("content", "Hello"))
                .add(SdkClients.JSON.createObjectNode().put("role", "assistant").put("content", "Hi! How can I help?"))
                .addObject().put("role", "user").putArray("content")
                .addObject().put("type", "text").put("text", "Who wrote Naruto?");

        JsonNode response = parse(apache.invokeModel(invoke("us." + HAIKU_35, body)).body());

        assertThat(response.path("model").asText()).isEqualTo("claude-3-5-haiku-20241022");
        assertThat(response.path("content").get(0).path("text").asText()).contains("\"Who wrote Naruto?\"");
        assertThat(bedrock.control().invocationsFor(HAIKU_35)).isEqualTo(1);
        assertThat(bedrock.control().lastRequest()).isEqualTo(body);
        assertThat(bedrock.control().lastRecordedRequest().modelId()).isEqualTo("us." + HAIKU_35);
    }

    @Test
    void isDeterministicAndTheSameOverUrlConnection() {
        ObjectNode body = claudeBody(SYSTEM_JA, "進撃の巨人は全何巻ですか？", 4096);

        String first = textOf(apache.invokeModel(invoke(HAIKU, body)));
        String second = textOf(apache.invokeModel(invoke(HAIKU, body)));
        String overUrlConnection = textOf(urlConnection.invokeModel(invoke(HAIKU, body)));

        assertThat(second).isEqualTo(first);
        assertThat(overUrlConnection).isEqualTo(first);
        assertThat(bedrock.control().requests()).extracting(EmulatorControl.RecordedRequest::httpVersion)
                .containsOnly("HTTP_1_1");
    }

    @Test
    void truncatesAtMaxTokens() {
        String full = textOf(apache.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "ドラゴンボールについて", 4096))));

        JsonNode cut = parse(apache.invokeModel(invoke(HAIKU, claudeBody(SYSTEM_JA, "ドラゴンボールについて", 10))).body());

        assertThat(cut.path("stop_reason").asText()).isEqualTo("max_tokens");
        assertThat(cut.path("usage").path("output_tokens").asInt()).isEqualTo(10);
        String text = cut.path("content").get(0).path("text").asText();
        assertThat(full).startsWith(text);
        assertThat(text).hasSizeLessThan(full.length()).isEqualTo("お問い合わせありがと");
    }

    @Test
    void stopsAtAStopSequence() {
        ObjectNode body = claudeBody(SYSTEM_EN, "Tell me about Bleach", 4096);
        body.putArray("stop_sequences").add("If you tell me");

        JsonNode response = parse(apache.invokeModel(invoke(HAIKU, body)).body());

        assertThat(response.path("stop_reason").asText()).isEqualTo("stop_sequence");
        assertThat(response.path("stop_sequence").asText()).isEqualTo("If you tell me");
        assertThat(response.path("content").get(0).path("text").asText())
                .isEqualTo("Thank you for your question about \"Tell me about Bleach\". ");
    }

    @Test
    void rejectsUnknownModelsAndBadBodiesAsValidationException() {
        assertThatThrownBy(() -> apache.invokeModel(invoke("meta.llama3-8b-instruct-v1:0", claudeBody(null, "hi", 10))))
                .isInstanceOfSatisfying(ValidationException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("The provided model identifier is invalid.");
                });
        assertThatThrownBy(() -> apache.invokeModel(InvokeModelRequest.builder().modelId(HAIKU)
                .body(SdkBytes.fromUtf8String("{\"messages\": [")).build()))
                .isInstanceOf(ValidationException.class);

        ObjectNode noMaxTokens = claudeBody(SYSTEM_EN, "hi", 10);
        noMaxTokens.remove("max_tokens");
        assertThatThrownBy(() -> apache.invokeModel(invoke(HAIKU, noMaxTokens)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("required key [max_tokens] not found");

        ObjectNode extraneous = claudeBody(SYSTEM_EN, "hi", 10).put("modelId", HAIKU);
        assertThatThrownBy(() -> apache.invokeModel(invoke(HAIKU, extraneous)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("extraneous key [modelId]");

        ObjectNode hot = claudeBody(SYSTEM_EN, "hi", 10).put("temperature", 1.5);
        assertThatThrownBy(() -> apache.invokeModel(invoke(HAIKU, hot))).isInstanceOf(ValidationException.class);

        assertThat(bedrock.control().invocations()).isEqualTo(5);
    }

    private static String textOf(software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse response) {
        return parse(response.body()).path("content").get(0).path("text").asText();
    }
}
