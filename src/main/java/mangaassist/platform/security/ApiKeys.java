package mangaassist.platform.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured API keys, held as SHA-256 digests: a presented key is compared with every one in constant time
 * (MessageDigest.isEqual), so neither the comparison's time nor a heap dump gives a key away.
 */
public final class ApiKeys {

    /** A key that matched: its name (for logs and metrics, never the key) and its scopes. */
    public record Caller(String name, Set<String> scopes) {
    }

    private record Entry(byte[] digest, Caller caller) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public ApiKeys(Map<String, ApiSecurityProperties.Key> keys) {
        keys.forEach((name, key) -> {
            if (key != null && key.value() != null && !key.value().isBlank()) {
                entries.add(new Entry(digest(key.value()), new Caller(name, key.scopes())));
            }
        });
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The caller the key belongs to, if any. Every entry is compared, whether an earlier one matched or not. */
    public Optional<Caller> find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] digest = digest(presented);
        Caller found = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.caller();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
