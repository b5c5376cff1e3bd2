package mangaassist.enrichment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The jobs of one API request on their way to the queue, and what became of each: its message id, or why it was
 * not queued. An entry that fails is sent once more ({@link #MAX_ATTEMPTS}), then reported, never dropped.
 */
public record EnrichmentSubmission(List<Entry> entries) {

    public static final int MAX_ATTEMPTS = 2;

    public EnrichmentSubmission {
        entries = List.copyOf(entries);
    }

    /**
     * @param index           the job's place in the request
     * @param groupId         its MessageGroupId
     * @param deduplicationId its MessageDeduplicationId, its own (never shared by the batch)
     * @param attempts        sends tried so far
     * @param messageId       the queue's id once accepted, else null
     * @param failureCode     the last send's error code (null: none yet)
     * @param failureMessage  the last send's error message
     */
    public record Entry(int index, EnrichmentJob job, String groupId, String deduplicationId, int attempts,
                        String messageId, String failureCode, String failureMessage) {

        public boolean queued() {
            return messageId != null;
        }

        /** Still to send: never sent, or failed fewer than {@link #MAX_ATTEMPTS} times. */
        public boolean pending() {
            return messageId == null && attempts < MAX_ATTEMPTS;
        }

        public boolean failed() {
            return messageId == null && attempts >= MAX_ATTEMPTS;
        }

        Entry accepted(String id) {
            return new Entry(index, job, groupId, deduplicationId, attempts + 1, id, null, null);
        }

        Entry refused(String code, String message) {
            return new Entry(index, job, groupId, deduplicationId, attempts + 1, null, code, message);
        }
    }

    static EnrichmentSubmission of(List<EnrichmentJob> jobs, Instant now, Duration dedupWindow) {
        return new EnrichmentSubmission(java.util.stream.IntStream.range(0, jobs.size()).mapToObj(i -> {
            EnrichmentJob job = jobs.get(i);
            return new Entry(i, job, EnrichmentIds.groupId(job.mangaId()),
                    EnrichmentIds.deduplicationId(job.mangaId(), job.enrichmentType(), now, dedupWindow),
                    0, null, null, null);
        }).toList());
    }

    public boolean hasPending() {
        return entries.stream().anyMatch(Entry::pending);
    }
}
