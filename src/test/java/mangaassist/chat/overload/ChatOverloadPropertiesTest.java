package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** A queue smaller than its workers is refused when the properties are bound, with both names in the message. */
class ChatOverloadPropertiesTest {

    @Test
    void theDefaultsBind() {
        assertThat(bind(32, 256).queueCapacity()).isEqualTo(256);
        assertThat(bind(4, 4).workers()).as("as many waiting as workers").isEqualTo(4);
    }

    @Test
    void aQueueSmallerThanItsWorkersStopsTheStart() {
        assertThatThrownBy(() -> bind(32, 16)).isInstanceOf(BindException.class).rootCause()
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("mangaassist.chat.overload.queue-capacity (16) must be at least mangaassist.chat.overload.workers (32)");
        assertThatThrownBy(() -> bind(0, 16)).rootCause().hasMessageContaining("workers must be at least 1");
    }

    private static ChatOverloadProperties bind(int workers, int queueCapacity) {
        Map<String, String> values = new HashMap<>();
        values.put("mangaassist.chat.overload.workers", Integer.toString(workers));
        values.put("mangaassist.chat.overload.queue-capacity", Integer.toString(queueCapacity));
        values.put("mangaassist.chat.overload.max-in-flight-per-connection", "2");
        values.put("mangaassist.chat.overload.initial-service-time", "1s");
        values.put("mangaassist.chat.overload.service-time-weight", "0.1");
        values.put("mangaassist.chat.overload.drain-window", "1s");
        values.put("mangaassist.chat.overload.retry-after-min", "500ms");
        values.put("mangaassist.chat.overload.retry-after-max", "10s");
        values.put("mangaassist.chat.overload.shutdown-retry-after", "1s");
        values.put("mangaassist.chat.overload.door-hints", "100000");
        return new Binder(new MapConfigurationPropertySource(values))
                .bind("mangaassist.chat.overload", ChatOverloadProperties.class).get();
    }
}
