package mangaassist.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import org.junit.jupiter.api.Test;

class ChatCacheKeyTest {

    @Test
    void composedAndDecomposedFormsGiveTheSameKey() {
        String composed = "ガンダムの在庫はありますか";                       // ガ = U+30AC
        String decomposed = "カ\u3099ンダムの在庫はありますか";             // カ + combining dakuten
        assertThat(decomposed).isNotEqualTo(composed);
        assertThat(ChatCacheKey.of("s-1", decomposed)).isEqualTo(ChatCacheKey.of("s-1", composed));
    }

    @Test
    void zeroWidthAndOuterWhitespaceDoNotChangeTheKey() {
        assertThat(ChatCacheKey.of("s-1", " ワン\u200Bピース\n")).isEqualTo(ChatCacheKey.of("s-1", "ワンピース"));
    }

    @Test
    void formatIsTheSessionsHashTagPlusFullSha256Hex_seedTruncatedTo16() {
        assertThat(ChatCacheKey.of("s-1", "hello")).matches("chat:\\{s-1}:resp:[0-9a-f]{64}");
    }

    @Test
    void knownDigest() {
        // sha256("3:s-1:hello")
        assertThat(ChatCacheKey.of("s-1", "hello"))
                .isEqualTo("chat:{s-1}:resp:" + sha256Hex("3:s-1:hello"));
    }

    @Test
    void sessionsAndMessagesAreSeparated() {
        assertThat(ChatCacheKey.of("s-1", "hello")).isNotEqualTo(ChatCacheKey.of("s-2", "hello"));
        assertThat(ChatCacheKey.of("s-1", "hello")).isNotEqualTo(ChatCacheKey.of("s-1", "hello!"));
        // With a plain "session:message" join (seed) these two collide.
        assertThat(ChatCacheKey.of("a:b", "c")).isNotEqualTo(ChatCacheKey.of("a", "b:c"));
    }

    @Test
    void sessionIsRequired() {
        assertThatNullPointerException().isThrownBy(() -> ChatCacheKey.of(null, "x"));
    }

    private static String sha256Hex(String s) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
