package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.aws2.ddb.Ddb2Constants;
import org.apache.camel.component.aws2.ddb.Ddb2Operations;
import org.apache.camel.component.aws2.s3.AWS2S3Constants;
import org.apache.camel.component.aws2.sqs.Sqs2Constants;
import org.apache.camel.component.opensearch.OpensearchConstants;
import org.apache.camel.component.redis.RedisConstants;
import org.junit.jupiter.api.Test;
import org.opensearch.client.Request;
import org.opensearch.client.RestClient;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.data.redis.core.StringRedisTemplate;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.OperationType;
import software.amazon.awssdk.services.dynamodb.model.Record;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * Each backend of the embedded stack, reached through the real Camel component the flows use, with
 * the topology the provisioner created.
 */
@FlowTest
class PlatformBackendsTest {

    @Autowired
    CamelContext camel;
    @Autowired
    ProducerTemplate template;
    @Autowired
    SqsClient sqs;
    @Autowired
    S3Client s3;
    @Autowired
    RestClient openSearch;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    AwsProperties aws;
    @Value("${mangaassist.aws.endpoints.dynamodb}")
    URI dynamoDbEndpoint;

    @Test
    void topologyDeclaresTheSixQueuesWithTheirRedrivePolicies() {
        List<String> urls = sqs.listQueues().queueUrls();
        assertThat(urls).extracting(url -> url.substring(url.lastIndexOf('/') + 1)).contains(
                "manga-enrichment-queue.fifo", "manga-enrichment-dlq.fifo", "manga-deferred-queue",
                "manga-deferred-dlq", "manga-moderation-queue", "manga-moderation-dlq");
        Map<QueueAttributeName, String> enrichment = attributes("manga-enrichment-queue.fifo");
        assertThat(enrichment.get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("300");
        assertThat(enrichment.get(QueueAttributeName.REDRIVE_POLICY))
                .contains("manga-enrichment-dlq.fifo").contains("\"maxReceiveCount\":3");
        assertThat(attributes("manga-deferred-queue").get(QueueAttributeName.REDRIVE_POLICY))
                .contains("manga-deferred-dlq").contains("\"maxReceiveCount\":5");
        assertThat(attributes("manga-moderation-queue").get(QueueAttributeName.VISIBILITY_TIMEOUT)).isEqualTo("120");
    }

    @Test
    void sqsFifoCarriesGroupAndDedupIdsAndDropsDuplicates() {
        String queue = "platform-fifo-" + shortId() + ".fifo";
        String url = sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(
                QueueAttributeName.FIFO_QUEUE, "true", QueueAttributeName.VISIBILITY_TIMEOUT, "1"))).queueUrl();
        String endpoint = "aws2-sqs://" + queue
                + "?messageGroupIdStrategy=usePropertyValue&messageDeduplicationIdStrategy=useExchangeId";
        for (String body : List.of("first", "duplicate of first", "second")) {
            template.send(endpoint, exchange -> {
                exchange.setProperty(Sqs2Constants.MESSAGE_GROUP_ID_PROPERTY, "manga-12345678");
                // useExchangeId: the exchange id is the deduplication id
                exchange.setExchangeId(body.equals("second") ? "dedup-2" : "dedup-1");
                exchange.getIn().setBody(body);
            });
        }
        List<Message> received = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            received.addAll(sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10).waitTimeSeconds(1)
                    .messageSystemAttributeNamesWithStrings("All")).messages());
            received.forEach(m -> sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(m.receiptHandle())));
            return received.size() >= 2;
        });
        assertThat(received).extracting(Message::body).containsExactly("first", "second");
        assertThat(received.get(0).attributes().get(MessageSystemAttributeName.MESSAGE_GROUP_ID))
                .isEqualTo("manga-12345678");
        assertThat(received).extracting(m -> m.attributes().get(MessageSystemAttributeName.MESSAGE_DEDUPLICATION_ID))
                .containsExactly("dedup-1", "dedup-2");
    }

    @Test
    void failingQueueConsumerLeavesTheMessageForRedriveToTheDlqAfterExactlyThreeReceives() throws Exception {
        String id = shortId();
        String dlq = "platform-dlq-" + id + ".fifo";
        String queue = "platform-work-" + id + ".fifo";
        String dlqUrl = sqs.createQueue(b -> b.queueName(dlq).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
                .queueUrl();
        String dlqArn = sqs.getQueueAttributes(b -> b.queueUrl(dlqUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
                .attributes().get(QueueAttributeName.QUEUE_ARN);
        sqs.createQueue(b -> b.queueName(queue).attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true",
                QueueAttributeName.VISIBILITY_TIMEOUT, "1",
                QueueAttributeName.REDRIVE_POLICY, "{\"deadLetterTargetArn\":\"" + dlqArn + "\",\"maxReceiveCount\":\"3\"}")));
        AtomicInteger receives = new AtomicInteger();
        String routeId = "platform-test-poison-" + id;
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("aws2-sqs://" + queue + "?waitTimeSeconds=1&delay=100")
                        .routeId(routeId).routeConfigurationId("queue-errors")
                        .process(e -> receives.incrementAndGet())
                        .throwException(new IllegalStateException("poison message"));
            }
        });
        try {
            template.send("aws2-sqs://" + queue + "?messageGroupIdStrategy=useConstant"
                    + "&messageDeduplicationIdStrategy=useExchangeId", e -> e.getIn().setBody("poison"));
            List<Message> deadLetters = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                deadLetters.addAll(sqs.receiveMessage(b -> b.queueUrl(dlqUrl).waitTimeSeconds(1)).messages());
                return !deadLetters.isEmpty();
            });
            assertThat(deadLetters).extracting(Message::body).containsExactly("poison");
            assertThat(receives).hasValue(3);
        } finally {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
    }

    @Test
    void dynamoDbPutGetAndTheStreamDeliversTheInsertWithItsNewImage() throws Exception {
        String isbn = "978" + System.nanoTime() % 10_000_000_000L;
        List<Record> records = new java.util.concurrent.CopyOnWriteArrayList<>();
        String routeId = "platform-test-stream-" + shortId();
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("aws2-ddbstream://manga-products?streamIteratorType=FROM_START&delay=100")
                        .routeId(routeId)
                        .process(e -> records.add(e.getIn().getBody(Record.class)));
            }
        });
        try {
            Map<String, AttributeValue> item = Map.of("isbn", AttributeValue.fromS(isbn),
                    "title", AttributeValue.fromS("ワンピース 42"), "quantity", AttributeValue.fromN("12"));
            template.send("aws2-ddb://manga-products?operation=" + Ddb2Operations.PutItem,
                    e -> e.getIn().setHeader(Ddb2Constants.ITEM, item));
            Exchange got = template.request("aws2-ddb://manga-products?operation=" + Ddb2Operations.GetItem,
                    e -> e.getIn().setHeader(Ddb2Constants.KEY, Map.of("isbn", AttributeValue.fromS(isbn))));
            @SuppressWarnings("unchecked")
            Map<String, AttributeValue> attributes = got.getMessage().getHeader(Ddb2Constants.ATTRIBUTES, Map.class);
            assertThat(attributes.get("title").s()).isEqualTo("ワンピース 42");

            await().atMost(Duration.ofSeconds(15)).until(() -> records.stream()
                    .anyMatch(r -> isbn.equals(r.dynamodb().keys().get("isbn").s())));
            Record insert = records.stream().filter(r -> isbn.equals(r.dynamodb().keys().get("isbn").s()))
                    .findFirst().orElseThrow();
            assertThat(insert.eventName()).isEqualTo(OperationType.INSERT);
            assertThat(insert.dynamodb().newImage().get("quantity").n()).isEqualTo("12");
        } finally {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
    }

    @Test
    void dynamoDbLocalIsOneDatabaseWhateverTheAccessKeyAndRegion() {
        // as the README promises (and the AWS CLI expects): DynamoDB Local keeps one database per key and region
        // unless it runs with -sharedDb
        String otherKey = "otherDeveloper";   // DynamoDB Local takes letters and digits only
        Region otherRegion = Region.US_WEST_2;
        assertThat(otherKey).isNotEqualTo(aws.accessKey());
        assertThat(otherRegion.id()).isNotEqualTo(aws.region());
        try (DynamoDbClient other = DynamoDbClient.builder().endpointOverride(dynamoDbEndpoint).region(otherRegion)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(otherKey, "otherSecret")))
                .build()) {
            assertThat(other.listTables().tableNames())
                    .contains("manga-assist-sessions", "manga-catalog", "manga-products");
        }
    }

    @Test
    void openSearchIndexesDocumentsAndAnswersAKnnSearch() throws Exception {
        String near = "platform-near-" + shortId();
        String far = "platform-far-" + shortId();
        template.requestBodyAndHeader("opensearch://mangaassist?operation=Index&indexName=manga-catalog",
                Map.of("title", "ワンピース 42", "embedding", vector(1.0f)), OpensearchConstants.PARAM_INDEX_ID, near);
        template.requestBodyAndHeader("opensearch://mangaassist?operation=Index&indexName=manga-catalog",
                Map.of("title", "進撃の巨人 1", "embedding", vector(-1.0f)), OpensearchConstants.PARAM_INDEX_ID, far);
        openSearch.performRequest(new Request("POST", "/manga-catalog/_refresh"));

        String query = "{\"size\":1,\"query\":{\"knn\":{\"embedding\":{\"vector\":"
                + java.util.Arrays.toString(vector(0.9f)) + ",\"k\":1}}}}";
        HitsMetadata<?> hits = template.requestBody(
                "opensearch://mangaassist?operation=Search&indexName=manga-catalog", query, HitsMetadata.class);
        assertThat(hits.hits()).hasSize(1);
        assertThat(hits.hits().get(0).id()).isEqualTo(near);
    }

    @Test
    void s3StoresAndReturnsAnObjectInTheDeclaredBucketThroughTheCamelComponent() {
        String key = "platform-test/" + shortId() + ".json";
        String body = "{\"title\":\"ワンピース 42\"}";
        // PutObject with the flexible checksums off (S3Proxy answers NotImplemented to them) and no bucket check failing
        template.requestBodyAndHeaders("aws2-s3://manga-assist-async-results", body,
                Map.of(AWS2S3Constants.KEY, key, AWS2S3Constants.CONTENT_TYPE, "application/json"));

        String read = template.requestBodyAndHeader("aws2-s3://manga-assist-async-results?operation=getObject", null,
                AWS2S3Constants.KEY, key, String.class);
        assertThat(read).isEqualTo(body);
        assertThat(s3.headObject(b -> b.bucket("manga-assist-async-results").key(key)).contentType())
                .isEqualTo("application/json");
    }

    @Test
    void redisStoresWithATimeToLive() {
        String key = "platform:test:" + shortId();
        Map<String, Object> headers = new HashMap<>();
        headers.put(RedisConstants.COMMAND, "SETEX");
        headers.put(RedisConstants.KEY, key);
        headers.put(RedisConstants.VALUE, "ワンピース");
        headers.put(RedisConstants.TIMEOUT, 300L);
        template.requestBodyAndHeaders("spring-redis://{{spring.data.redis.host}}:{{spring.data.redis.port}}"
                + "?redisTemplate=#stringRedisTemplate", null, headers);
        Object value = template.requestBodyAndHeaders("spring-redis://{{spring.data.redis.host}}:{{spring.data.redis.port}}"
                + "?redisTemplate=#stringRedisTemplate", null,
                Map.of(RedisConstants.COMMAND, "GET", RedisConstants.KEY, key));
        assertThat(value).isEqualTo("ワンピース");
        assertThat(redis.getExpire(key)).isBetween(290L, 300L);
    }

    private Map<QueueAttributeName, String> attributes(String queue) {
        String url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
        return sqs.getQueueAttributes(b -> b.queueUrl(url).attributeNames(QueueAttributeName.ALL)).attributes();
    }

    /** A unit-length test vector pointing mostly along the first axis (sign picks the direction). */
    private static float[] vector(float first) {
        float[] v = new float[1024];
        v[0] = first;
        v[1] = 0.1f;
        return v;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
