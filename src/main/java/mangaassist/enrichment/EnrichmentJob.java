package mangaassist.enrichment;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One enrichment job as it travels on the queue: the seed's message body
 * {@code {"jobType":"catalog_enrichment","enrichmentType","manga":{"id","title","titleJp"},"priority","requestedAt"}},
 * so a job another producer writes straight to the queue is consumed the same way.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EnrichmentJob(String jobType, String enrichmentType, Manga manga, String priority, long requestedAt) {

    public static final String JOB_TYPE = "catalog_enrichment";

    public record Manga(String id, String title, String titleJp) {
    }

    public static EnrichmentJob of(String mangaId, String title, String titleJp, EnrichmentType type, String priority,
                                   long requestedAt) {
        return new EnrichmentJob(JOB_TYPE, type.wireName(), new Manga(mangaId, title, titleJp), priority, requestedAt);
    }

    public EnrichmentType type() {
        return EnrichmentType.fromWire(enrichmentType).orElseThrow();
    }

    public String mangaId() {
        return manga.id();
    }
}
