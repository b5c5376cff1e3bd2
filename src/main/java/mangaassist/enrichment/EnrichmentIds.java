package mangaassist.enrichment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The FIFO ids of a job, as the seed makes them. */
public final class EnrichmentIds {

    /**
     * Ids the queue can carry in a group id and DynamoDB as a key: ASCII letters, digits and {@code . _ : -}.
     * (A group id allows only ASCII, and the group is made of the id's first 8 characters.)
     */
    public static final Pattern MANGA_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private EnrichmentIds() {
    }

    /** {@code manga-<first 8 chars of mangaId>}: one series' jobs are processed in order. */
    public static String groupId(String mangaId) {
        return "manga-" + mangaId.substring(0, Math.min(8, mangaId.length()));
    }

    /** SHA-256 (hex) of {@code mangaId:type:window}: the same job twice within a window is queued once. */
    public static String deduplicationId(String mangaId, String type, Instant now, Duration window) {
        long slot = now.getEpochSecond() / window.toSeconds();
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256")
                    .digest((mangaId + ":" + type + ":" + slot).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
