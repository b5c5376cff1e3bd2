package mangaassist.chat.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import mangaassist.chat.message.JapaneseTextNormalizer;

/**
 * Redis key of a cached chat answer: {@code chat:{sessionId}:resp:<sha-256 hex>} of session and normalised
 * message, in the session's hash slot with its other keys ({@link ChatAdmission} reads them in one script).
 * Better than the seed ({@code manga:chat:} + 16 hex of "session:message", no normalisation):
 * the message is normalised (NFC) before hashing, so composed and decomposed forms share one entry;
 * the full digest is kept; the session is length-prefixed so "a:b"+"c" cannot collide with "a"+"b:c".
 */
public final class ChatCacheKey {

    private ChatCacheKey() {
    }

    public static String of(String sessionId, String message) {
        Objects.requireNonNull(sessionId, "sessionId");
        String normalized = JapaneseTextNormalizer.normalize(message); // idempotent on normalised input
        String material = sessionId.length() + ":" + sessionId + ":" + normalized;
        String digest = HexFormat.of().formatHex(sha256(material.getBytes(StandardCharsets.UTF_8)));
        return "chat:{" + sessionId + "}:resp:" + digest;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
