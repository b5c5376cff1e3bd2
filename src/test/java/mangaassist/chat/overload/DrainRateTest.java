package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DrainRateTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Any origin: System.nanoTime() may be negative. */
    private static final long T0 = -123_456_789_000L;

    @Test
    void countsTheAnswersOfTheLatestWindowPerSecond() {
        DrainRate rate = new DrainRate(1000 * MS);
        assertThat(rate.perSecond(T0)).isZero();
        // 50 answers within 500 ms of a 1 s window: 50 a second
        for (int i = 0; i < 50; i++) {
            rate.record(T0 + i * 10 * MS);
        }
        assertThat(rate.perSecond(T0 + 500 * MS)).isEqualTo(50.0);
        // over a 2 s window, the same answers are 25 a second
        DrainRate longer = new DrainRate(2000 * MS);
        for (int i = 0; i < 50; i++) {
            longer.record(T0 + i * 10 * MS);
        }
        assertThat(longer.perSecond(T0 + 500 * MS)).isEqualTo(25.0);
    }

    @Test
    void answersOlderThanTheWindowNoLongerCount() {
        DrainRate rate = new DrainRate(1000 * MS);
        for (int i = 0; i < 10; i++) {
            rate.record(T0 + i * 100 * MS);
        }
        assertThat(rate.perSecond(T0 + 950 * MS)).isEqualTo(10.0);
        // 1.55 s on: the answers of the first 0.6 s are out of the window (buckets of 100 ms)
        assertThat(rate.perSecond(T0 + 1550 * MS)).isEqualTo(4.0);
        // long after: nothing, also where a slot of the ring was reused by a later bucket
        rate.record(T0 + 5000 * MS);
        assertThat(rate.perSecond(T0 + 5000 * MS)).isEqualTo(1.0);
        assertThat(rate.perSecond(T0 + 7000 * MS)).isZero();
    }

    @Test
    void aResetForgetsEveryAnswer() {
        DrainRate rate = new DrainRate(1000 * MS);
        rate.record(T0);
        rate.reset();
        assertThat(rate.perSecond(T0)).isZero();
    }

    @Test
    void theWindowMustHoldItsBuckets() {
        assertThatThrownBy(() -> new DrainRate(5)).isInstanceOf(IllegalArgumentException.class);
    }
}
