package mangaassist.platform;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.opensearch.client.Request;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.CreateBucketRequest;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Creates the declared topology when {@code mangaassist.topology.provision} is true. It runs while the
 * Spring context is built, so every queue, table and index exists before a Camel route starts.
 * Idempotent: what already exists is left as it is.
 */
@Component
public class TopologyProvisioner implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(TopologyProvisioner.class);

    private final TopologyProperties topology;
    private final SqsClient sqs;
    private final DynamoDbClient dynamoDb;
    private final RestClient openSearch;
    private final S3Client s3;
    private final EventBridgeClient eventBridge;
    private final ObjectMapper json = new ObjectMapper();

    public TopologyProvisioner(TopologyProperties topology, SqsClient sqs, DynamoDbClient dynamoDb,
                               RestClient openSearch, S3Client s3, EventBridgeClient eventBridge) {
        this.topology = topology;
        this.sqs = sqs;
        this.dynamoDb = dynamoDb;
        this.openSearch = openSearch;
        this.s3 = s3;
        this.eventBridge = eventBridge;
    }

    @Override
    public void afterPropertiesSet() throws IOException {
        if (!topology.provision()) {
            return;
        }
        // dead-letter queues first: a redrive policy needs the ARN of its target
        List<TopologyProperties.Queue> ordered = new ArrayList<>(topology.queues());
        ordered.sort((a, b) -> Boolean.compare(a.deadLetterQueue() != null, b.deadLetterQueue() != null));
        Map<String, String> arns = new HashMap<>();
        for (TopologyProperties.Queue queue : ordered) {
            arns.put(queue.name(), createQueue(queue, arns));
        }
        topology.tables().forEach(this::createTable);
        topology.buckets().forEach(this::createBucket);
        for (TopologyProperties.SearchIndex index : topology.searchIndices()) {
            createIndex(index);
        }
        // after the queues: a rule's targets are queue ARNs
        topology.eventBuses().forEach(bus -> createEventBus(bus, arns));
        LOG.info("Topology provisioned: {} queues, {} tables, {} buckets, {} search indices, {} event buses",
                topology.queues().size(), topology.tables().size(), topology.buckets().size(),
                topology.searchIndices().size(), topology.eventBuses().size());
    }

    private String createQueue(TopologyProperties.Queue queue, Map<String, String> arns) {
        Map<QueueAttributeName, String> attributes = new HashMap<>();
        if (queue.visibilityTimeout() != null) {
            attributes.put(QueueAttributeName.VISIBILITY_TIMEOUT, String.valueOf(queue.visibilityTimeout().toSeconds()));
        }
        if (queue.retention() != null) {
            attributes.put(QueueAttributeName.MESSAGE_RETENTION_PERIOD, String.valueOf(queue.retention().toSeconds()));
        }
        if (queue.fifo()) {
            attributes.put(QueueAttributeName.FIFO_QUEUE, "true");
            // producers set explicit deduplication ids (see the enrichment flow)
            attributes.put(QueueAttributeName.CONTENT_BASED_DEDUPLICATION, "false");
        }
        if (queue.deadLetterQueue() != null) {
            String targetArn = arns.get(queue.deadLetterQueue());
            if (targetArn == null) {
                throw new IllegalStateException("Queue " + queue.name() + " names dead-letter queue "
                        + queue.deadLetterQueue() + ", which is not declared in the topology");
            }
            attributes.put(QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + targetArn
                    + "\",\"maxReceiveCount\":\"" + queue.maxReceiveCount() + "\"}");
        }
        String url = sqs.createQueue(b -> b.queueName(queue.name()).attributes(attributes)).queueUrl();
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
    }

    private void createTable(TopologyProperties.Table table) {
        List<KeySchemaElement> keys = new ArrayList<>();
        List<AttributeDefinition> attributes = new ArrayList<>();
        keys.add(KeySchemaElement.builder().attributeName(table.partitionKey()).keyType(KeyType.HASH).build());
        attributes.add(AttributeDefinition.builder().attributeName(table.partitionKey())
                .attributeType(ScalarAttributeType.S).build());
        if (table.sortKey() != null) {
            keys.add(KeySchemaElement.builder().attributeName(table.sortKey()).keyType(KeyType.RANGE).build());
            attributes.add(AttributeDefinition.builder().attributeName(table.sortKey())
                    .attributeType(table.sortKeyType() == null ? "S" : table.sortKeyType()).build());
        }
        CreateTableRequest.Builder request = CreateTableRequest.builder().tableName(table.name())
                .keySchema(keys).attributeDefinitions(attributes).billingMode(BillingMode.PAY_PER_REQUEST);
        if (table.stream() != null) {
            request.streamSpecification(StreamSpecification.builder().streamEnabled(true)
                    .streamViewType(StreamViewType.fromValue(table.stream())).build());
        }
        try {
            dynamoDb.createTable(request.build());
        } catch (ResourceInUseException alreadyThere) {
            LOG.debug("Table {} exists", table.name());
        }
        if (table.ttlAttribute() != null && !ttlEnabled(table.name())) {
            dynamoDb.updateTimeToLive(b -> b.tableName(table.name())
                    .timeToLiveSpecification(t -> t.attributeName(table.ttlAttribute()).enabled(true)));
        }
    }

    /** The bus (unless it is the account's default one), then each rule and its targets: PutRule and PutTargets overwrite. */
    private void createEventBus(TopologyProperties.EventBus bus, Map<String, String> queueArns) {
        if (!"default".equals(bus.name())) {
            try {
                eventBridge.createEventBus(b -> b.name(bus.name()));
            } catch (ResourceAlreadyExistsException alreadyThere) {
                LOG.debug("Event bus {} exists", bus.name());
            }
        }
        for (TopologyProperties.Rule rule : bus.rules()) {
            eventBridge.putRule(b -> b.eventBusName(bus.name()).name(rule.name()).description(rule.description())
                    .eventPattern(rule.pattern()).state(RuleState.ENABLED));
            if (rule.targets().isEmpty()) {
                continue;
            }
            List<software.amazon.awssdk.services.eventbridge.model.Target> targets = rule.targets().stream()
                    .map(target -> software.amazon.awssdk.services.eventbridge.model.Target.builder().id(target.id())
                            .arn(queueArn(target.queue(), queueArns, rule.name())).build())
                    .toList();
            PutTargetsResponse response = eventBridge.putTargets(b -> b.eventBusName(bus.name()).rule(rule.name())
                    .targets(targets));
            if (response.failedEntryCount() > 0) {
                throw new IllegalStateException("Rule " + rule.name() + " on bus " + bus.name() + ": targets refused: "
                        + response.failedEntries());
            }
        }
    }

    private static String queueArn(String queue, Map<String, String> queueArns, String rule) {
        String arn = queueArns.get(queue);
        if (arn == null) {
            throw new IllegalStateException("Rule " + rule + " targets queue " + queue
                    + ", which is not declared in the topology");
        }
        return arn;
    }

    /** The SDK adds the client's region as LocationConstraint, unless it is us-east-1 (see mangaassist.aws.s3.region). */
    private void createBucket(TopologyProperties.Bucket bucket) {
        try {
            s3.createBucket(CreateBucketRequest.builder().bucket(bucket.name()).build());
        } catch (BucketAlreadyOwnedByYouException alreadyThere) {
            LOG.debug("Bucket {} exists", bucket.name());
        }
    }

    /** Enabling TTL twice is an error on DynamoDB: a second instance or restart against the same stack must not fail. */
    private boolean ttlEnabled(String table) {
        TimeToLiveStatus status = dynamoDb.describeTimeToLive(b -> b.tableName(table)).timeToLiveDescription()
                .timeToLiveStatus();
        return status == TimeToLiveStatus.ENABLED || status == TimeToLiveStatus.ENABLING;
    }

    private void createIndex(TopologyProperties.SearchIndex index) throws IOException {
        Map<String, Object> vector = Map.of("type", "knn_vector", "dimension", index.dimension(),
                "method", Map.of("name", "hnsw", "engine", index.engine(), "space_type", index.spaceType()));
        Map<String, Object> body = Map.of(
                "settings", Map.of("index", Map.of("knn", true, "number_of_replicas", 0)),
                "mappings", Map.of("properties", Map.of(index.vectorField(), vector)));
        Request request = new Request("PUT", "/" + index.name());
        request.setJsonEntity(json.writeValueAsString(body));
        try {
            openSearch.performRequest(request);
        } catch (ResponseException e) {
            if (e.getResponse().getStatusLine().getStatusCode() != 400
                    || !e.getMessage().contains("resource_already_exists_exception")) {
                throw e;
            }
        }
    }
}
