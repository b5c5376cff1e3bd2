package mangaassist.devstack.eventbridge;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Delivers to SQS targets through the SQS API (the embedded ElasticMQ): the events of one PutEvents call for a target in
 * one SendMessageBatch (EventBridge sends each on its own; on the embedded stack, where ElasticMQ shares the cores with
 * the application, a call per event cost more than the flow), to the queue named by the target's ARN
 * (arn:aws:sqs:region:account:name). Other kinds of target are refused.
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
        deliverAll(targetArn, messageGroupId, List.of(body));
    }

    /** One SendMessageBatch (at most 10 bodies): fewer calls on the embedded SQS than EventBridge's one per event. */
    @Override
    public int deliverAll(String targetArn, String messageGroupId, List<String> bodies) {
        String[] arn = targetArn.split(":", 6);
        if (arn.length != 6 || !"sqs".equals(arn[2])) {
            throw new IllegalArgumentException("only SQS targets are emulated, not " + targetArn);
        }
        String queue = arn[5];
        SqsClient client = client();
        String url = queueUrls.computeIfAbsent(queue, q -> client.getQueueUrl(b -> b.queueName(q)).queueUrl());
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(bodies.size());
        for (int i = 0; i < bodies.size(); i++) {
            String body = bodies.get(i);
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(body);
            if (queue.endsWith(".fifo")) {
                // EventBridge sets the deduplication id to the event id; content deduplication is the queue's choice
                entry.messageGroupId(messageGroupId == null ? "eventbridge" : messageGroupId)
                        .messageDeduplicationId(Integer.toHexString(body.hashCode()) + "-" + System.nanoTime() + "-" + i);
            }
            entries.add(entry.build());
        }
        if (bodies.size() == 1) {
            SendMessageBatchRequestEntry only = entries.get(0);
            client.sendMessage(b -> b.queueUrl(url).messageBody(only.messageBody()).messageGroupId(only.messageGroupId())
                    .messageDeduplicationId(only.messageDeduplicationId()));
            return 0;
        }
        return client.sendMessageBatch(b -> b.queueUrl(url).entries(entries)).failed().size();
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
