package mangaassist.operations;

import static mangaassist.operations.CloudFormationTemplate.properties;
import static mangaassist.operations.CloudFormationTemplate.target;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.metrics.SeedMetrics;
import mangaassist.platform.TopologyProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The infrastructure code (ops/cloudformation/mangaassist.yaml): structurally valid offline, and exactly the topology
 * the application provisions elsewhere (platform/topology.yaml, as the aws profile reads it), with the seed's alarms.
 */
class InfrastructureTemplateTest {

    private static CloudFormationTemplate cfn;
    private static TopologyProperties topology;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void read() throws Exception {
        cfn = new CloudFormationTemplate(OpsConfig.TEMPLATE);
        topology = OpsConfig.topology("aws");
    }

    @Test
    void isStructurallyValid() {
        assertThat(cfn.problems()).isEmpty();
        assertThat(cfn.resources).hasSizeGreaterThan(50);
    }

    @Test
    void theValidatorFindsBrokenReferencesAndUnknownTypes() throws Exception {
        // the check above would pass on a validator that finds nothing: break a copy and look
        var broken = new CloudFormationTemplate(OpsConfig.TEMPLATE);
        broken.resources.get("MangaDeferredQueue").put("Type", "AWS::SQS::Queueue");
        properties(broken.resources.get("AlarmTopic")).put("TopicName", Map.of("Ref", "NoSuchParameter"));
        properties(broken.resources.get("Redis")).put("CacheSubnetGroupName", Map.of("Fn::GetAtt", List.of("RedisSubnetGroup", "Nope")));
        broken.resources.get("SearchCollection").put("DependsOn", List.of("Missing"));
        properties(broken.resources.get("SearchEncryptionPolicy")).remove("Policy");

        assertThat(broken.problems()).hasSize(5).anySatisfy(p -> assertThat(p).contains("AWS::SQS::Queueue"))
                .anySatisfy(p -> assertThat(p).contains("NoSuchParameter"))
                .anySatisfy(p -> assertThat(p).contains("RedisSubnetGroup.Nope"))
                .anySatisfy(p -> assertThat(p).contains("DependsOn Missing"))
                .anySatisfy(p -> assertThat(p).contains("required property Policy"));
    }

    @Test
    void everyQueueWithItsDeadLetterQueueAndRedrive() {
        Map<String, Map<String, Object>> byName = byName("AWS::SQS::Queue", "QueueName");
        Map<String, String> nameOfId = new HashMap<>();
        cfn.ofType("AWS::SQS::Queue").forEach((id, r) -> nameOfId.put(id, (String) properties(r).get("QueueName")));

        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(
                topology.queues().stream().map(TopologyProperties.Queue::name).toList());
        for (TopologyProperties.Queue queue : topology.queues()) {
            Map<String, Object> p = byName.get(queue.name());
            assertThat(p.get("FifoQueue")).as(queue.name()).isEqualTo(queue.fifo() ? Boolean.TRUE : null);
            assertThat(p.get("VisibilityTimeout")).as(queue.name())
                    .isEqualTo(queue.visibilityTimeout() == null ? null : (int) queue.visibilityTimeout().toSeconds());
            assertThat(p.get("MessageRetentionPeriod")).as(queue.name())
                    .isEqualTo(queue.retention() == null ? null : (int) queue.retention().toSeconds());
            if (queue.deadLetterQueue() == null) {
                assertThat(p).as(queue.name()).doesNotContainKey("RedrivePolicy");
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> redrive = (Map<String, Object>) p.get("RedrivePolicy");
            assertThat(nameOfId.get(target(redrive.get("deadLetterTargetArn")))).as(queue.name())
                    .isEqualTo(queue.deadLetterQueue());
            assertThat(redrive.get("maxReceiveCount")).as(queue.name()).isEqualTo(queue.maxReceiveCount());
        }
    }

    @Test
    void everyTableWithItsKeysStreamAndTtl() {
        Map<String, Map<String, Object>> byName = byName("AWS::DynamoDB::Table", "TableName");
        assertThat(byName.keySet()).containsExactlyInAnyOrderElementsOf(
                topology.tables().stream().map(TopologyProperties.Table::name).toList());
        for (TopologyProperties.Table table : topology.tables()) {
            Map<String, Object> p = byName.get(table.name());
            Map<String, String> keys = new LinkedHashMap<>();
            keys.put(table.partitionKey(), "HASH");
            if (table.sortKey() != null) {
                keys.put(table.sortKey(), "RANGE");
            }
            assertThat(list(p.get("KeySchema")).stream().collect(Collectors.toMap(k -> (String) k.get("AttributeName"),
                    k -> (String) k.get("KeyType")))).as(table.name()).isEqualTo(keys);
            Map<String, String> types = new LinkedHashMap<>();
            types.put(table.partitionKey(), "S");
            if (table.sortKey() != null) {
                types.put(table.sortKey(), table.sortKeyType() == null ? "S" : table.sortKeyType());
            }
            assertThat(list(p.get("AttributeDefinitions")).stream().collect(Collectors.toMap(
                    k -> (String) k.get("AttributeName"), k -> (String) k.get("AttributeType")))).as(table.name()).isEqualTo(types);
            assertThat(p.get("StreamSpecification")).as(table.name())
                    .isEqualTo(table.stream() == null ? null : Map.of("StreamViewType", table.stream()));
            assertThat(p.get("TimeToLiveSpecification")).as(table.name()).isEqualTo(
                    table.ttlAttribute() == null ? null : Map.of("AttributeName", table.ttlAttribute(), "Enabled", true));
            assertThat(p.get("BillingMode")).isEqualTo("PAY_PER_REQUEST");
        }
    }

    @Test
    void everyBucket() {
        assertThat(byName("AWS::S3::Bucket", "BucketName").keySet()).containsExactlyInAnyOrderElementsOf(
                topology.buckets().stream().map(TopologyProperties.Bucket::name).toList());
    }

    @Test
    void theBusWithItsRulesAndTheirQueueTargets() throws Exception {
        Map<String, Map<String, Object>> buses = byName("AWS::Events::EventBus", "Name");
        assertThat(buses.keySet()).containsExactlyInAnyOrderElementsOf(
                topology.eventBuses().stream().map(TopologyProperties.EventBus::name).toList());
        Map<String, String> busOfId = new HashMap<>();
        cfn.ofType("AWS::Events::EventBus").forEach((id, r) -> busOfId.put(id, (String) properties(r).get("Name")));
        Map<String, String> queueOfId = new HashMap<>();
        cfn.ofType("AWS::SQS::Queue").forEach((id, r) -> queueOfId.put(id, (String) properties(r).get("QueueName")));
        Map<String, Map<String, Object>> rules = byName("AWS::Events::Rule", "Name");
        Map<String, String> ruleIds = new HashMap<>();
        cfn.ofType("AWS::Events::Rule").forEach((id, r) -> ruleIds.put((String) properties(r).get("Name"), id));

        int declared = 0;
        for (TopologyProperties.EventBus bus : topology.eventBuses()) {
            for (TopologyProperties.Rule rule : bus.rules()) {
                declared++;
                Map<String, Object> p = rules.get(rule.name());
                assertThat(p).as(rule.name()).isNotNull();
                assertThat(busOfId.get(target(p.get("EventBusName")))).isEqualTo(bus.name());
                assertThat((Object) JSON.valueToTree(p.get("EventPattern"))).as(rule.name()).isEqualTo(JSON.readTree(rule.pattern()));
                assertThat(list(p.get("Targets")).stream().collect(Collectors.toMap(t -> (String) t.get("Id"),
                        t -> queueOfId.get(target(t.get("Arn")))))).as(rule.name()).isEqualTo(rule.targets().stream()
                        .collect(Collectors.toMap(TopologyProperties.Target::id, TopologyProperties.Target::queue)));
                // EventBridge may send to the target queue: the queue policy names both
                Map<String, Object> policy = properties(cfn.ofType("AWS::SQS::QueuePolicy").values().iterator().next());
                String json = JSON.writeValueAsString(policy);
                for (TopologyProperties.Target t : rule.targets()) {
                    String queueId = queueOfId.entrySet().stream().filter(e -> e.getValue().equals(t.queue()))
                            .findFirst().orElseThrow().getKey();
                    assertThat(json).contains("{\"Ref\":\"" + queueId + "\"}").contains("[\"" + ruleIds.get(rule.name()) + "\",\"Arn\"]");
                }
            }
        }
        assertThat(rules).hasSize(declared);
    }

    @Test
    void theSearchCollectionAndTheCatalogIndexWithFaiss() {
        assertThat(cfn.ofType("AWS::OpenSearchServerless::Collection").values()).singleElement()
                .satisfies(c -> assertThat(properties(c).get("Type")).isEqualTo("VECTORSEARCH"));
        Map<String, Map<String, Object>> indices = byName("AWS::OpenSearchServerless::Index", "IndexName");
        assertThat(indices.keySet()).containsExactlyInAnyOrderElementsOf(
                topology.searchIndices().stream().map(TopologyProperties.SearchIndex::name).toList());
        for (TopologyProperties.SearchIndex index : topology.searchIndices()) {
            Map<String, Object> fields = map(map(indices.get(index.name()).get("Mappings")).get("Properties"));
            Map<String, Object> vector = map(fields.get(index.vectorField()));
            assertThat(vector.get("Type")).isEqualTo("knn_vector");
            assertThat(cfn.resolve(vector.get("Dimension"))).isEqualTo(index.dimension());
            Map<String, Object> method = map(vector.get("Method"));
            assertThat(index.engine()).isEqualTo("faiss");
            assertThat(method).containsEntry("Engine", index.engine()).containsEntry("SpaceType", index.spaceType());
        }
    }

    @Test
    void redisWithTlsAndTheAppRole() {
        assertThat(cfn.ofType("AWS::ElastiCache::ReplicationGroup").values()).singleElement().satisfies(r ->
                assertThat(properties(r)).containsEntry("TransitEncryptionEnabled", true));
        assertThat(cfn.ofType("AWS::IAM::Role")).containsKey("AppRole");
    }

    @Test
    void theSeedsAlarms() {
        Map<String, Map<String, Object>> alarms = new LinkedHashMap<>();
        cfn.ofType("AWS::CloudWatch::Alarm").forEach((id, r) -> alarms.put(id, properties(r)));

        // DLQ depth > 100: every dead-letter queue of the topology
        Map<String, String> queueOfId = new HashMap<>();
        cfn.ofType("AWS::SQS::Queue").forEach((id, r) -> queueOfId.put(id, (String) properties(r).get("QueueName")));
        List<String> dlqs = topology.queues().stream().map(TopologyProperties.Queue::deadLetterQueue)
                .filter(Objects::nonNull).distinct().toList();
        List<String> alarmed = alarms.values().stream().filter(a -> "AWS/SQS".equals(a.get("Namespace")))
                .peek(a -> assertThat(a).containsEntry("MetricName", "ApproximateNumberOfMessagesVisible")
                        .containsEntry("Threshold", 100).containsEntry("ComparisonOperator", "GreaterThanThreshold"))
                .map(a -> queueOfId.get(target(list(a.get("Dimensions")).get(0).get("Value")))).toList();
        assertThat(alarmed).containsExactlyInAnyOrderElementsOf(dlqs);

        // SyncLatency > 3 s (ms), per chat model; error rate > 5 % per job type: the seed's names and dimensions
        var sync = alarms.values().stream().filter(a -> metricNames(a).contains("SyncLatency.sum")).toList();
        assertThat(sync).hasSize(2).allSatisfy(a -> assertThat(a.get("Threshold")).isEqualTo(3000));
        assertThat(sync.stream().map(a -> dimensionValues(a).get("Model")).toList()).containsExactlyInAnyOrder(
                OpsConfig.environment("aws").getProperty("mangaassist.chat.models.fast"),
                OpsConfig.environment("aws").getProperty("mangaassist.chat.models.quality"));
        var errors = alarms.values().stream().filter(a -> metricNames(a).contains("AsyncJobDuration.count")).toList();
        assertThat(errors).hasSizeGreaterThanOrEqualTo(5).allSatisfy(a -> assertThat(a.get("Threshold")).isEqualTo(5));
        assertThat(errors.stream().map(a -> dimensionValues(a).get("JobType")))
                .contains("synopsis", "tags", "recommendations", "deferred_inference", "batch_recommendation");
        for (Map<String, Object> alarm : sync.isEmpty() ? List.<Map<String, Object>>of() : List.of(sync.get(0), errors.get(0))) {
            for (Map<String, Object> stat : metricStats(alarm)) {
                Map<String, Object> metric = map(stat.get("Metric"));
                assertThat(metric.get("Namespace")).isEqualTo(SeedMetrics.NAMESPACE);
                String name = ((String) metric.get("MetricName")).split("\\.")[0];
                assertThat(list(metric.get("Dimensions")).stream().map(d -> d.get("Name")).toList())
                        .containsExactlyInAnyOrderElementsOf(SeedMetrics.DIMENSIONS.get(name));
            }
        }
        assertThat(alarms.values()).allSatisfy(a -> assertThat(a.get("AlarmActions")).isEqualTo(List.of(Map.of("Ref", "AlarmTopic"))));
    }

    private Map<String, Map<String, Object>> byName(String type, String nameProperty) {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        cfn.ofType(type).values().forEach(r -> byName.put((String) properties(r).get(nameProperty), properties(r)));
        return byName;
    }

    private static List<Map<String, Object>> metricStats(Map<String, Object> alarm) {
        return list(alarm.getOrDefault("Metrics", List.of())).stream().filter(m -> m.containsKey("MetricStat"))
                .map(m -> map(m.get("MetricStat"))).toList();
    }

    private static List<String> metricNames(Map<String, Object> alarm) {
        return metricStats(alarm).stream().map(s -> (String) map(s.get("Metric")).get("MetricName")).toList();
    }

    private Map<String, Object> dimensionValues(Map<String, Object> alarm) {
        Map<String, Object> values = new HashMap<>();
        metricStats(alarm).forEach(s -> list(map(s.get("Metric")).get("Dimensions"))
                .forEach(d -> values.put((String) d.get("Name"), cfn.resolve(d.get("Value")))));
        return values;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Object value) {
        return (List<Map<String, Object>>) value;
    }
}
