package mangaassist.chat.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.ValidationMessage;
import mangaassist.chat.model.ModelReply;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.TestContracts;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Chat's frames against chat-request.v1 and chat-frame.v1, and the error codes a frame that breaks its schema gets. */
class ChatContractTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Contracts contracts = TestContracts.contracts();

    @Test
    void everyFrameWeSendKeepsItsSchema() {
        ModelReply reply = new ModelReply("在庫があります。", 120, 30, "anthropic.claude-3-haiku-20240307-v1:0", "end_turn");
        for (JsonNode frame : new JsonNode[] {
                ChatReplies.partial("r-1", "s-1", "在庫"),
                ChatReplies.success("r-1", "s-1", "ja", reply, false, 840),
                ChatReplies.success("r-2", "s-1", "en", reply, true, 3),
                ChatReplies.error("r-3", ChatErrorCode.MESSAGE_TOO_LONG, "ja"),
                ChatReplies.error(null, ChatErrorCode.INTERNAL, "en")}) {
            assertThat(contracts.violations(frame, "chat-frame.v1.json")).as(frame.toString()).isEmpty();
        }
        for (ChatErrorCode code : ChatErrorCode.values()) {
            assertThat(contracts.violations(ChatReplies.error("r", code, "en"), "chat-frame.v1.json")).as(code.name()).isEmpty();
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"data\":{\"sessionId\":\"s-1\",\"message\":\"こんにちは\"}}                 | OK",
            "{\"data\":{\"message\":\"hi\",\"preferredLanguage\":\"en\",\"modelPreference\":\"fast\"},\"metadata\":{\"clientVersion\":\"1\"}} | OK",
            "{\"data\":{\"sessionId\":null,\"message\":\"hi\"}}                            | OK",
            "{\"data\":{\"sessionId\":\"s-1\"}}                                            | MESSAGE_REQUIRED",
            "{\"data\":{\"sessionId\":\"s-1\",\"message\":null}}                           | MESSAGE_REQUIRED",
            "{\"data\":{\"sessionId\":\"s-1\",\"message\":42}}                             | INVALID_JSON",
            "{\"data\":{\"sessionId\":\"bad id <x>\",\"message\":\"hi\"}}                  | INVALID_JSON",
            "{\"data\":{\"sessionId\":\"bad id <x>\",\"message\":null}}                    | INVALID_JSON",
            "{\"message\":\"hi\"}                                                        | INVALID_JSON",
            "[1,2]                                                                     | INVALID_JSON"})
    void aFrameThatBreaksItsSchemaGetsChatsOwnCode(String frame, String expected) throws Exception {
        JsonSchema schema = contracts.schema("chat-request.v1.json");
        Set<ValidationMessage> errors = schema.validate(JSON.readTree(frame));
        if (expected.equals("OK")) {
            assertThat(errors).isEmpty();
            // and the parser takes it as well
            assertThat(new ChatMessageParser().parse(frame).message()).isNotBlank();
            return;
        }
        assertThatThrownBy(() -> new ChatFrameErrors(TestContracts.counter()).handleErrors(new DefaultExchange(new DefaultCamelContext()), schema, errors))
                .isInstanceOfSatisfying(ChatFrameViolation.class, e -> assertThat(e.code()).isEqualTo(expected));
    }

    @Test
    void aMessagePastTheSchemasLimitIsMessageTooLongA413() throws Exception {
        JsonSchema schema = contracts.schema("chat-request.v1.json");
        String limit = "あ".repeat(4000);
        assertThat(schema.validate(JSON.readTree("{\"data\":{\"message\":\"" + limit + "\"}}"))).isEmpty();
        Set<ValidationMessage> errors = schema.validate(JSON.readTree("{\"data\":{\"message\":\"" + limit + "あ\"}}"));

        assertThatThrownBy(() -> new ChatFrameErrors(TestContracts.counter()).handleErrors(new DefaultExchange(new DefaultCamelContext()), schema, errors))
                .isInstanceOfSatisfying(ChatFrameViolation.class, e -> {
                    assertThat(e.code()).isEqualTo("MESSAGE_TOO_LONG");
                    assertThat(e.httpStatus()).isEqualTo(413);
                });
        // not JSON at all
        assertThatThrownBy(() -> new ChatFrameErrors(TestContracts.counter()).handleErrors(new DefaultExchange(new DefaultCamelContext()), schema,
                new java.io.IOException("Unexpected character")))
                .isInstanceOfSatisfying(ChatFrameViolation.class, e -> assertThat(e.code()).isEqualTo("INVALID_JSON"));
    }

    /**
     * Through Camel's own json-validator endpoint: it passes a ValidationException on and turns anything else its
     * error handler throws into a second call, "not JSON" (the code was INVALID_JSON for every frame then).
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"data\":{\"message\":\"TOO_LONG\"}}  | MESSAGE_TOO_LONG | 413",
            "{\"data\":{\"sessionId\":\"s-1\"}}   | MESSAGE_REQUIRED | 400",
            "{not json                              | INVALID_JSON     | 400"})
    void theCodeSurvivesCamelsJsonValidator(String frame, String code, int status) throws Exception {
        try (DefaultCamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("chatFrameErrors", new ChatFrameErrors(TestContracts.counter()));
            camel.start();
            String body = frame.replace("TOO_LONG", "あ".repeat(4001));
            Exchange answer = camel.createProducerTemplate().request(
                    "json-validator:schemas/chat-request.v1.json?errorHandler=#chatFrameErrors", e -> e.getIn().setBody(body));
            assertThat(answer.getException()).isInstanceOfSatisfying(ChatFrameViolation.class, e -> {
                assertThat(e.code()).isEqualTo(code);
                assertThat(e.httpStatus()).isEqualTo(status);
            });
        }
    }
}
