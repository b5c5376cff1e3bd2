package mangaassist.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.TopologyProperties;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentMatchers;
import org.mockito.Mockito;

import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueAttributesResponse;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlResponse;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** The DLQ depth gauges: which queues, what they show before, after and despite a poll. */
class MetricsBeansTest {

    private static final TopologyProperties TOPOLOGY = new TopologyProperties(false, List.of(
            new TopologyProperties.Queue("a-dlq", null, null, null, Duration.ofDays(14)),
            new TopologyProperties.Queue("a-queue", Duration.ofSeconds(30), "a-dlq", 3, null),
            new TopologyProperties.Queue("b-queue", Duration.ofSeconds(30), "b-dlq", 5, null),
            new TopologyProperties.Queue("c-queue", Duration.ofSeconds(30), "a-dlq", 5, null),
            new TopologyProperties.Queue("b-dlq", null, null, null, null)), List.of(), List.of(), List.of(), List.of());

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final SqsClient sqs = Mockito.mock(SqsClient.class);

    @Test
    void everyQueueARedrivePolicyNamesHasOneGaugeUnknownUntilRead() {
        DlqDepthGauges gauges = new DlqDepthGauges(sqs, new mangaassist.platform.QueueUrls(sqs), TOPOLOGY, meters, new AsyncJobMetrics(meters));

        assertThat(gauges.queues()).containsExactly("a-dlq", "b-dlq");
        assertThat(meters.find(DlqDepthGauges.GAUGE).gauges()).hasSize(2);
        assertThat(meters.get(DlqDepthGauges.GAUGE).tag("queue", "a-dlq").gauge().value()).isEqualTo(-1);
        Mockito.verifyNoInteractions(sqs);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aPollSetsTheGaugeAndAFailedOneKeepsTheLastValue() {
        Mockito.when(sqs.getQueueUrl(ArgumentMatchers.<Consumer<GetQueueUrlRequest.Builder>>any()))
                .thenReturn(GetQueueUrlResponse.builder().queueUrl("http://sqs/a-dlq").build());
        Mockito.when(sqs.getQueueAttributes(ArgumentMatchers.<Consumer<GetQueueAttributesRequest.Builder>>any()))
                .thenReturn(GetQueueAttributesResponse.builder()
                        .attributes(Map.of(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, "101")).build())
                .thenThrow(SqsException.builder().message("down").build());
        DlqDepthGauges gauges = new DlqDepthGauges(sqs, new mangaassist.platform.QueueUrls(sqs), TOPOLOGY, meters, new AsyncJobMetrics(meters));

        assertThat(gauges.refresh("a-dlq")).isEqualTo(101);
        assertThat(meters.get(DlqDepthGauges.GAUGE).tag("queue", "a-dlq").gauge().value()).isEqualTo(101);
        Exchange failed = new DefaultExchange(new DefaultCamelContext());
        try {
            gauges.refresh("a-dlq");
        } catch (SqsException e) {
            failed.setProperty(Exchange.EXCEPTION_CAUGHT, e);
        }
        gauges.failed("a-dlq", failed);

        assertThat(gauges.depth("a-dlq")).isEqualTo(101);
        assertThat(meters.get(AsyncJobMetrics.ERRORS).tag("flow", "metrics").tag("code", "Sqs").counter().count()).isOne();
    }
}
