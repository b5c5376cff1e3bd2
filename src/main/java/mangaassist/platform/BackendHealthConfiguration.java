package mangaassist.platform;

import java.io.IOException;
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
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One health contributor per backend, each named after it in /actuator/health (sqs, dynamodb,
 * opensearch; redis comes from Spring Boot). Each makes one cheap real call.
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
