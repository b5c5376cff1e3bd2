package mangaassist.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.TopologyProperties;
import mangaassist.support.FlowTest;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The polled gauges on the embedded stack: every dead-letter queue's depth, as SQS counts it. */
@FlowTest
class MetricsFlowTest {

    private static final String DLQ = "manga-deferred-dlq";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    SqsClient sqs;
    @Autowired
    MeterRegistry meters;
    @Autowired
    ProducerTemplate template;
    @Autowired
    TestRestTemplate http;
    @Autowired
    TopologyProperties topology;

    @Test
    void everyDeadLetterQueueOfTheTopologyHasAGaugeTheTimerRouteKeepsCurrent() {
        // the timer route has polled each of them since the application started (-1: never read)
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(List.of("manga-enrichment-dlq.fifo",
                "manga-deferred-dlq", "manga-moderation-dlq", "manga-inventory-cdc-dlq", "manga-inventory-product-sync-dlq"))
                .allSatisfy(queue -> assertThat(gauge(queue)).isNotNegative()));
        // one per dead-letter queue the topology declares, no more
        assertThat(meters.find(DlqDepthGauges.GAUGE).gauges()).hasSize((int) topology.queues().stream()
                .map(TopologyProperties.Queue::deadLetterQueue).filter(java.util.Objects::nonNull).distinct().count());
    }

    @Test
    void theGaugeFollowsTheQueuesDepth() {
        String url = sqs.getQueueUrl(b -> b.queueName(DLQ)).queueUrl();
        String marker = "depth-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            sqs.sendMessage(b -> b.queueUrl(url).messageBody(marker));
        }

        // what the timer route does every period (mangaassist.metrics.dlq-depth-period-ms), on demand
        await().atMost(WAIT).until(() -> {
            template.sendBody("direct:metrics-dlq-depth-refresh", null);
            return gauge(DLQ) == depth(url);
        });
        double withMine = gauge(DLQ);
        assertThat(withMine).isGreaterThanOrEqualTo(3);
        assertThat(http.getForObject("/actuator/prometheus", String.class))
                .contains("mangaassist_dlq_depth{application=\"mangaassist\",queue=\"" + DLQ + "\"}");

        deleteAll(url, marker);
        await().atMost(WAIT).until(() -> {
            template.sendBody("direct:metrics-dlq-depth-refresh", null);
            return gauge(DLQ) == depth(url);
        });
        assertThat(gauge(DLQ)).isEqualTo(withMine - 3);
    }

    private double gauge(String queue) {
        var gauge = meters.find(DlqDepthGauges.GAUGE).tag("queue", queue).gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    private long depth(String url) {
        return Long.parseLong(sqs.getQueueAttributes(b -> b.queueUrl(url)
                .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES)).attributes()
                .get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES));
    }

    private void deleteAll(String url, String marker) {
        List<Message> mine = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            for (Message m : sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).visibilityTimeout(30)).messages()) {
                if (m.body().equals(marker)) {
                    sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()));
                    mine.add(m);
                } else {
                    // another test's: visible again at once
                    sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(m.receiptHandle()).visibilityTimeout(0));
                }
            }
            return mine.size() == 3;
        });
    }
}
