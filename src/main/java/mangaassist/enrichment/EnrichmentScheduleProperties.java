package mangaassist.enrichment;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The scheduled producer of the enrichment flow ({@code mangaassist.enrichment.schedule.*}): the seed's EventBridge
 * schedule, which enqueues enrichment jobs for catalog items that lack them. The route reads {@code enabled} and
 * {@code cron} as placeholders; the backlog reads the rest.
 *
 * @param enabled        whether the schedule runs (off in the embedded profile and in tests unless set)
 * @param cron           when it runs (Spring cron, 6 fields with seconds), on the leader only
 * @param types          the enrichment types every catalog item should have
 * @param priority       the priority of the jobs it queues
 * @param pageSize       items a Scan call reads at most
 * @param maxJobsPerRun  jobs one run queues at most (the rest wait for the next run)
 */
@ConfigurationProperties("mangaassist.enrichment.schedule")
public record EnrichmentScheduleProperties(boolean enabled, String cron, List<String> types, String priority,
                                           int pageSize, int maxJobsPerRun) {

    public EnrichmentScheduleProperties {
        types = types == null ? List.of() : List.copyOf(types);
    }
}
