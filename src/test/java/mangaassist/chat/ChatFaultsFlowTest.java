package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import mangaassist.devstack.EmbeddedStack;
import mangaassist.devstack.bedrock.EmulatorControl;
import mangaassist.devstack.bedrock.Fault;
import mangaassist.support.FlowTest;
import mangaassist.support.WebSocketTestClient;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Value;

/**
 * Reliability suite, chat under Bedrock faults: during a storm of throttling, timeouts, 5xx, malformed answers, slow
 * answers or streams broken mid-way, every message sent gets exactly one final frame (an answer or a stable error code,
 * never a stack trace) within the time budget, and the chat answers again as soon as the storm is over.
 */
@FlowTest
class ChatFaultsFlowTest {

    /** Messages in flight together during a storm, each on a connection of its own (the per-connection cap is 2). */
    private static final int MESSAGES = 8;
    /** Slack over the time budget for a loaded CI machine: a hung message would wait for ever, not a second longer. */
    private static final Duration SLACK = Duration.ofSeconds(2);
    /** How long a connection is watched after its final frame for a second one. */
    private static final Duration AFTER_FINAL = Duration.ofMillis(500);
    private static final AtomicLong QUESTIONS = new AtomicLong();

    @Value("${mangaassist.chat.websocket.port}")
    int websocketPort;
    @Value("${mangaassist.chat.time-budget}")
    Duration timeBudget;

    EmulatorControl bedrock;

    @BeforeEach
    void emulator() {
        bedrock = EmbeddedStack.shared().bedrock().control().reset();
    }

    @AfterEach
    void calm() {
        bedrock.reset();
    }

    enum Storm {
        THROTTLING(Fault.THROTTLING, false, "MODEL_THROTTLED"),
        MODEL_TIMEOUT(Fault.MODEL_TIMEOUT, false, "MODEL_TIMEOUT"),
        INTERNAL(Fault.INTERNAL, false, "MODEL_NO_RESPONSE"),
        SERVICE_UNAVAILABLE(Fault.SERVICE_UNAVAILABLE, false, "MODEL_THROTTLED"),
        MALFORMED(Fault.MALFORMED, false, "MODEL_NO_RESPONSE"),
        SLOW_PAST_THE_BUDGET(Fault.SLOW, false, "MODEL_TIMEOUT"),
        THROTTLED_MID_STREAM(Fault.THROTTLING, true, "MODEL_THROTTLED"),
        BROKEN_MID_STREAM(Fault.INTERNAL, true, "MODEL_NO_RESPONSE");

        final Fault fault;
        final boolean midStream;
        /** The one error code every message gets (after the partial frames streamed before a break, if any). */
        final String code;

        Storm(Fault fault, boolean midStream, String code) {
            this.fault = fault;
            this.midStream = midStream;
            this.code = code;
        }
    }

    @ParameterizedTest
    @EnumSource(Storm.class)
    void everyMessageGetsExactlyOneFinalFrameWithinTheBudgetAndTheChatRecovers(Storm storm) throws Exception {
        if (storm.fault == Fault.SLOW) {
            bedrock.slowDelay(timeBudget.plusSeconds(2));
        }
        if (storm.midStream) {
            bedrock.failNextMidStream(storm.fault, Integer.MAX_VALUE, null);
        } else {
            bedrock.failAlways(storm.fault);
        }
        List<WebSocketTestClient> clients = new ArrayList<>();
        Map<WebSocketTestClient, Long> sentAt = new ConcurrentHashMap<>();
        try {
            for (int i = 0; i < MESSAGES; i++) {
                clients.add(ws());
            }
            for (WebSocketTestClient client : clients) {
                sentAt.put(client, System.nanoTime());
                client.send(ChatFlowTest.message("storm-" + UUID.randomUUID(), question(), "auto").toString());
            }
            for (WebSocketTestClient client : clients) {
                long waitedNanos = timeBudget.plus(SLACK).toNanos() - (System.nanoTime() - sentAt.get(client));
                List<JsonNode> frames = client.untilFinal(Duration.ofNanos(Math.max(1, waitedNanos)));
                JsonNode last = frames.get(frames.size() - 1);
                assertThat(last.path("status").asText()).as("%s: %s", storm, frames).isEqualTo("error");
                assertThat(last.path("code").asText()).as("%s: %s", storm, last).isEqualTo(storm.code);
                assertThat(last.path("error").asText()).isNotBlank().doesNotContain("Exception", "at ", "software.amazon");
                assertThat(client.isOpen()).as("the connection stays open").isTrue();
            }
            // exactly one: no second final frame (a late answer after an error, a duplicate error) on any connection
            await().during(AFTER_FINAL).atMost(AFTER_FINAL.multipliedBy(3))
                    .until(() -> clients.stream().mapToInt(WebSocketTestClient::waiting).sum() == 0);

            bedrock.reset();
            WebSocketTestClient first = clients.get(0);
            first.send(ChatFlowTest.message("storm-" + UUID.randomUUID(), question(), "auto").toString());
            List<JsonNode> recovered = first.untilFinal(timeBudget.plus(SLACK));
            assertThat(recovered.get(recovered.size() - 1).path("status").asText()).as("after the storm: %s", recovered)
                    .isEqualTo("success");
        } finally {
            clients.forEach(WebSocketTestClient::close);
        }
    }

    /** A question never asked before: a cache hit would not reach the model. */
    private static String question() {
        return "Which manga would you recommend after volume " + QUESTIONS.incrementAndGet() + " of a long series? "
                + UUID.randomUUID();
    }

    private WebSocketTestClient ws() {
        return WebSocketTestClient.connect("ws://127.0.0.1:" + websocketPort + "/chat");
    }
}
