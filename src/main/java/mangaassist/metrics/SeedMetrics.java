package mangaassist.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import mangaassist.chat.ChatMetrics;
import mangaassist.platform.AsyncJobMetrics;

/**
 * The seed's CloudWatch metrics (seed 000 §6.2) as views of the meters the flows already record, so that no flow
 * records anything twice:
 * <ul>
 *   <li>{@code SyncLatency{Environment,Model,Cached}} ← {@code mangaassist.chat.latency{model,cached}};</li>
 *   <li>{@code AsyncJobDuration{Environment,JobType,Status}} ← {@code mangaassist.async.job.duration{type,status}};</li>
 *   <li>{@code ErrorCount{Environment,Operation,ErrorType}} ← {@code mangaassist.errors{flow,code}}.</li>
 * </ul>
 * Prometheus keeps the flows' own names (tag {@code flow}); the CloudWatch registry applies {@link #rename} and
 * {@link #seedMetricsOnly} (nothing else is sent: every CloudWatch metric costs money), and {@link #seedDimensionsOnly}
 * last, after Spring's common tags, so that each metric has exactly the seed's dimensions (an alarm names them all).
 */
public final class SeedMetrics {

    public static final String NAMESPACE = "MangaAssist/Operations";
    public static final String SYNC_LATENCY = "SyncLatency";
    public static final String ASYNC_JOB_DURATION = "AsyncJobDuration";
    public static final String ERROR_COUNT = "ErrorCount";
    public static final String ENVIRONMENT = "Environment";

    /** Each seed metric's dimensions, Environment first. */
    public static final Map<String, List<String>> DIMENSIONS = Map.of(
            SYNC_LATENCY, List.of(ENVIRONMENT, "Model", "Cached"),
            ASYNC_JOB_DURATION, List.of(ENVIRONMENT, "JobType", "Status"),
            ERROR_COUNT, List.of(ENVIRONMENT, "Operation", "ErrorType"));

    /** The flows' meter behind each seed metric, and its tag behind each dimension. */
    static final Map<String, Source> SOURCES = Map.of(
            ChatMetrics.LATENCY, new Source(SYNC_LATENCY, Map.of("model", "Model", "cached", "Cached")),
            AsyncJobMetrics.JOB_DURATION, new Source(ASYNC_JOB_DURATION, Map.of("type", "JobType", "status", "Status")),
            AsyncJobMetrics.ERRORS, new Source(ERROR_COUNT, Map.of("flow", "Operation", "code", "ErrorType")));

    private SeedMetrics() {
    }

    /** Renames the three meters to the seed's names and dimensions, with {@code Environment=environment}. */
    public static MeterFilter rename(String environment) {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                Source source = SOURCES.get(id.getName());
                if (source == null) {
                    return id;
                }
                List<Tag> tags = new ArrayList<>();
                tags.add(Tag.of(ENVIRONMENT, environment));
                for (Tag tag : id.getTagsAsIterable()) {
                    String dimension = source.dimensions().get(tag.getKey());
                    tags.add(dimension == null ? tag : Tag.of(dimension, tag.getValue()));
                }
                return id.withName(source.name()).replaceTags(tags);
            }
        };
    }

    /** Only the seed's three metrics pass. */
    public static MeterFilter seedMetricsOnly() {
        return MeterFilter.denyUnless(id -> DIMENSIONS.containsKey(id.getName()));
    }

    /** A seed metric keeps only its own dimensions (not flow, not Spring's common tag application). */
    public static MeterFilter seedDimensionsOnly() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                List<String> dimensions = DIMENSIONS.get(id.getName());
                if (dimensions == null) {
                    return id;
                }
                Set<String> keep = Set.copyOf(dimensions);
                return id.replaceTags(id.getTags().stream().filter(t -> keep.contains(t.getKey())).toList());
            }
        };
    }

    record Source(String name, Map<String, String> dimensions) {
    }
}
