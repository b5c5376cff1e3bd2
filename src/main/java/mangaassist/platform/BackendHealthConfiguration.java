package mangaassist.platform;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.RestClient;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One health contributor per backend, each named after it in /actuator/health (sqs, dynamodb,
 * opensearch, s3, eventbridge; redis comes from Spring Boot). Each makes one cheap real call (s3: one per declared bucket).
 */
@Configuration(proxyBeanMethods = false)
public class BackendHealthConfiguration {

    @Bean
    public HealthIndicator sqsHealthIndicator(SqsClient sqs, TopologyProperties topology) {
        return () -> {
            int queues = sqs.listQueues().queueUrls().size();
            return Health.up().withDetail("queues", queues)
                    .withDetail("declared", topology.queues().size()).build();
        };
    }

    @Bean
    public HealthIndicator dynamodbHealthIndicator(DynamoDbClient dynamoDb) {
        return () -> Health.up().withDetail("tables", dynamoDb.listTables().tableNames()).build();
    }

    /** HeadBucket on each declared bucket: the flows write there (ListBuckets needs a permission they do not). */
    @Bean
    public HealthIndicator s3HealthIndicator(S3Client s3, TopologyProperties topology) {
        return () -> {
            List<String> buckets = topology.buckets().stream().map(TopologyProperties.Bucket::name).toList();
            for (String bucket : buckets) {
                try {
                    s3.headBucket(b -> b.bucket(bucket));
                } catch (RuntimeException e) {
                    return Health.down(e).withDetail("bucket", bucket).build();
                }
            }
            return Health.up().withDetail("buckets", buckets).build();
        };
    }

    /** DescribeEventBus on each declared bus, and how many rules it has: a bus without its rules delivers nothing. */
    @Bean
    public HealthIndicator eventbridgeHealthIndicator(EventBridgeClient eventBridge, TopologyProperties topology) {
        return () -> {
            Map<String, Object> rules = new LinkedHashMap<>();
            for (TopologyProperties.EventBus bus : topology.eventBuses()) {
                try {
                    eventBridge.describeEventBus(b -> b.name(bus.name()));
                    rules.put(bus.name(), eventBridge.listRules(b -> b.eventBusName(bus.name())).rules().size());
                } catch (RuntimeException e) {
                    return Health.down(e).withDetail("bus", bus.name()).build();
                }
            }
            return Health.up().withDetail("rules", rules).build();
        };
    }

    @Bean
    public HealthIndicator opensearchHealthIndicator(RestClient openSearch) {
        ObjectMapper json = new ObjectMapper();
        return () -> {
            try {
                JsonNode health = json.readTree(EntityUtils.toString(
                        openSearch.performRequest(new Request("GET", "/_cluster/health")).getEntity()));
                String status = health.path("status").asText();
                Health.Builder builder = "red".equals(status) ? Health.down() : Health.up();
                return builder.withDetails(Map.of("cluster", health.path("cluster_name").asText(),
                        "status", status)).build();
            } catch (IOException | ParseException e) {
                return Health.down(e).build();
            }
        };
    }
}
