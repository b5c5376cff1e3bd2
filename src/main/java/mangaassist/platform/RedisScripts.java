package mangaassist.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Lua scripts of {@code src/main/resources/redis/}, read once. Not {@code RedisScript.of(Resource)}: that script asks
 * its resource whether it was modified on every call (a class-path lookup and a file stat), about 2 % of an ERP
 * call's CPU for its permit in the inventory benchmark.
 */
public final class RedisScripts {

    private RedisScripts() {
    }

    public static <T> RedisScript<T> load(String classpathLocation, Class<T> resultType) {
        try {
            String text = new ClassPathResource(classpathLocation).getContentAsString(StandardCharsets.UTF_8);
            return RedisScript.of(text, resultType);
        } catch (IOException e) {
            throw new UncheckedIOException("Redis script " + classpathLocation + " cannot be read", e);
        }
    }
}
