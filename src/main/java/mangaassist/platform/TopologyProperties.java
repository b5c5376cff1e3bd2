package mangaassist.platform;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The queues, tables, buckets and search indices MangaAssist needs, declared once in
 * {@code classpath:platform/topology.yaml}. {@link TopologyProvisioner} creates them on the embedded
 * stack and on LocalStack; on AWS they come from infrastructure code and provisioning is off.
 */
@ConfigurationProperties("mangaassist.topology")
public record TopologyProperties(boolean provision, List<Queue> queues, List<Table> tables, List<Bucket> buckets,
                                 List<SearchIndex> searchIndices, List<EventBus> eventBuses) {

    public TopologyProperties {
        eventBuses = eventBuses == null ? List.of() : List.copyOf(eventBuses);
        queues = queues == null ? List.of() : List.copyOf(queues);
        tables = tables == null ? List.of() : List.copyOf(tables);
        buckets = buckets == null ? List.of() : List.copyOf(buckets);
        searchIndices = searchIndices == null ? List.of() : List.copyOf(searchIndices);
    }

    /**
     * An EventBridge bus with its rules ({@code default} is the account's own bus: not created, only given rules).
     *
     * @param name  bus name
     * @param rules its rules, each with an event pattern and queue targets
     */
    public record EventBus(String name, List<Rule> rules) {
        public EventBus {
            rules = rules == null ? List.of() : List.copyOf(rules);
        }
    }

    /**
     * @param name        rule name
     * @param description what the rule is for
     * @param pattern     the event pattern, JSON (EventBridge's pattern syntax: prefix, anything-but, numeric...)
     * @param targets     the queues the matched events go to
     */
    public record Rule(String name, String description, String pattern, List<Target> targets) {
        public Rule {
            targets = targets == null ? List.of() : List.copyOf(targets);
        }
    }

    /**
     * @param id    target id within its rule
     * @param queue name of a declared queue that receives the event in its EventBridge envelope
     */
    public record Target(String id, String queue) {
    }

    /** @param name bucket name */
    public record Bucket(String name) {
    }

    /**
     * @param name              queue name; a name ending in {@code .fifo} makes a FIFO queue
     * @param visibilityTimeout how long a received message stays invisible
     * @param deadLetterQueue   name of the queue the redrive policy moves messages to (null: none)
     * @param maxReceiveCount   receives before the redrive policy moves a message
     * @param retention         how long a message is kept
     */
    public record Queue(String name, Duration visibilityTimeout, String deadLetterQueue, Integer maxReceiveCount,
                        Duration retention) {
        public boolean fifo() {
            return name.endsWith(".fifo");
        }
    }

    /**
     * @param name         table name
     * @param partitionKey name of the string partition key
     * @param sortKey      name of the sort key (null: none)
     * @param sortKeyType  S or N
     * @param stream       stream view type (e.g. NEW_AND_OLD_IMAGES; null: no stream)
     * @param ttlAttribute attribute holding the expiry epoch second (null: no TTL)
     */
    public record Table(String name, String partitionKey, String sortKey, String sortKeyType, String stream,
                        String ttlAttribute) {
    }

    /**
     * @param name        index name
     * @param vectorField name of the knn_vector field
     * @param dimension   vector dimension (must match the embeddings model output)
     * @param engine      k-NN engine: lucene (embedded, self-managed) or faiss (OpenSearch Serverless)
     * @param spaceType   similarity, e.g. cosinesimil
     */
    public record SearchIndex(String name, String vectorField, int dimension, String engine, String spaceType) {
    }
}
