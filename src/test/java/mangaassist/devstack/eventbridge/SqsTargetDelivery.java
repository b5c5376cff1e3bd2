package mangaassist.devstack.eventbridge;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Delivers to SQS targets through the SQS API (the embedded ElasticMQ), as EventBridge does: SendMessage of the event
 * to the queue named by the target's ARN (arn:aws:sqs:region:account:name). Other kinds of target are refused.
 */
public final class SqsTargetDelivery implements TargetDelivery, AutoCloseable {

    private final Supplier<URI> endpoint;
    private final Map<String, String> queueUrls = new ConcurrentHashMap<>();
    private volatile SqsClient sqs;

    /** The endpoint is asked for on first delivery: the stack starts SQS and this emulator in parallel. */
    public SqsTargetDelivery(Supplier<URI> endpoint) {
        this.endpoint = endpoint;
    }

    @Override
    public void deliver(String targetArn, String messageGroupId, String body) {
        String[] arn = targetArn.split(":", 6);
        if (arn.length != 6 || !"sqs".equals(arn[2])) {
            throw new IllegalArgumentException("only SQS targets are emulated, not " + targetArn);
        }
        String queue = arn[5];
        SqsClient client = client();
        String url = queueUrls.computeIfAbsent(queue, q -> client.getQueueUrl(b -> b.queueName(q)).queueUrl());
        client.sendMessage(b -> {
            b.queueUrl(url).messageBody(body);
            if (queue.endsWith(".fifo")) {
                // EventBridge sets the deduplication id to the event id; content deduplication is the queue's choice
                b.messageGroupId(messageGroupId == null ? "eventbridge" : messageGroupId)
                        .messageDeduplicationId(Integer.toHexString(body.hashCode()) + "-" + System.nanoTime());
            }
        });
    }

    /** Sends a message body to a queue by name (the ERP simulator's change feed uses this too). */
    public void send(String queue, String body) {
        SqsClient client = client();
        String url = queueUrls.computeIfAbsent(queue, q -> client.getQueueUrl(b -> b.queueName(q)).queueUrl());
        client.sendMessage(b -> b.queueUrl(url).messageBody(body));
    }

    private SqsClient client() {
        SqsClient client = sqs;
        if (client == null) {
            synchronized (this) {
                if (sqs == null) {
                    sqs = SqsClient.builder().endpointOverride(endpoint.get()).region(Region.AP_NORTHEAST_1)
                            .httpClientBuilder(UrlConnectionHttpClient.builder())
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                            .build();
                }
                client = sqs;
            }
        }
        return client;
    }

    @Override
    public synchronized void close() {
        if (sqs != null) {
            sqs.close();
            sqs = null;
        }
    }
}
