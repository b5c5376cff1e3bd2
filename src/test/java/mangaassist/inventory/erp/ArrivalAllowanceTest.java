package mangaassist.inventory.erp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The adaptive allowance on a simulated clock: widened by refusals, narrowed by quiet periods, within its bounds. */
class ArrivalAllowanceTest {

    static final long MS = 1_000_000L;

    final AtomicLong now = new AtomicLong();
    final ArrivalAllowance allowance = ArrivalAllowance.adaptive(Duration.ofMillis(400), Duration.ofMillis(50),
            Duration.ofSeconds(10), Duration.ofSeconds(5), 50, now::get);

    /** {@code n} permits taken now. */
    void granted(int n) {
        for (int i = 0; i < n; i++) {
            allowance.granted();
        }
    }

    @Test
    void narrowsByATenthPerQuietPeriodThatCarriedCallsDownToTheFloor() {
        assertThat(allowance.nanos()).isEqualTo(400 * MS);
        granted(60);
        now.set(4999 * MS);
        granted(1);
        assertThat(allowance.nanos()).as("not before a whole quiet period").isEqualTo(400 * MS);
        now.set(5000 * MS);
        granted(1);
        assertThat(allowance.nanos()).isEqualTo(360 * MS);
        now.set(10_000 * MS);
        granted(49);
        assertThat(allowance.nanos()).as("a quiet period with fewer calls than a full second's").isEqualTo(360 * MS);
        granted(1);
        assertThat(allowance.nanos()).isEqualTo(324 * MS);
        for (int period = 0; period < 100; period++) {
            now.addAndGet(5000 * MS);
            granted(50);
        }
        assertThat(allowance.nanos()).isEqualTo(50 * MS);
    }

    @Test
    void anIdleErpTeachesNothing() {
        now.set(1_000_000 * MS);
        assertThat(allowance.nanos()).isEqualTo(400 * MS);
        granted(1);
        assertThat(allowance.nanos()).as("one call after a long idle time: one quiet period's worth at most").isEqualTo(400 * MS);
    }

    @Test
    void aRefusalDoublesItUpToTheStrictValueAndRestartsTheQuietPeriod() {
        now.set(4000 * MS);
        allowance.refused(3900 * MS);
        assertThat(allowance.nanos()).isEqualTo(800 * MS);
        allowance.refused(3950 * MS);
        assertThat(allowance.nanos()).as("a call permitted before the widening: same burst").isEqualTo(800 * MS);
        now.set(4999 * MS);
        granted(100);
        assertThat(allowance.nanos()).as("the quiet period (here its fast fifth) counts from the refusal")
                .isEqualTo(800 * MS);
        for (int i = 0; i < 10; i++) {
            allowance.refused(now.get());
            now.addAndGet(1000 * MS + allowance.nanos());
        }
        assertThat(allowance.nanos()).isEqualTo(10_000 * MS);
    }

    @Test
    void refusalsWhileTheErpStillCountsCallsSentUnderTheNarrowerAllowanceAreOneBurst() {
        now.set(4000 * MS);
        allowance.refused(3990 * MS);
        assertThat(allowance.nanos()).isEqualTo(800 * MS);
        // permitted after the widening, but refused within 1 s + 800 ms of it: the window held the older calls
        now.set(4100 * MS);
        allowance.refused(4050 * MS);
        now.set(5700 * MS);
        allowance.refused(5600 * MS);
        assertThat(allowance.nanos()).as("the burst that a cold JVM's first calls make widens it once").isEqualTo(800 * MS);
        // a call permitted once the window holds only calls sent under 800 ms, and still refused: evidence
        now.set(5900 * MS);
        allowance.refused(5800 * MS);
        assertThat(allowance.nanos()).isEqualTo(1600 * MS);
    }

    @Test
    void narrowsFiveTimesAsFastWhileAboveOneAndAHalfTimesTheAllowanceLastRefused() {
        now.set(1000 * MS);
        allowance.refused(now.get());
        assertThat(allowance.nanos()).isEqualTo(800 * MS);
        long[] expected = {720_000_000L, 648_000_000L, 583_200_000L};
        for (long step : expected) {
            now.addAndGet(1000 * MS);
            granted(10);
            assertThat(allowance.nanos()).as("a fifth of the quiet period, a fifth of its calls").isEqualTo(step);
        }
        // 583.2 ms is below 600 (one and a half times the 400 refused): the whole quiet period again
        now.addAndGet(1000 * MS);
        granted(50);
        assertThat(allowance.nanos()).isEqualTo(583_200_000L);
        now.addAndGet(4000 * MS);
        granted(1);
        assertThat(allowance.nanos()).isEqualTo(524_880_000L);
    }

    @Test
    void forAMinuteAfterARefusalItDoesNotNarrowBelowTheAllowanceRefused() {
        now.set(1000 * MS);
        allowance.refused(now.get());
        for (int period = 0; period < 10; period++) {
            now.addAndGet(5000 * MS);
            granted(50);
        }
        assertThat(allowance.nanos()).as("50 s after the refusal of 400 ms").isEqualTo(400 * MS);
        now.set(61_000 * MS);
        granted(50);
        assertThat(allowance.nanos()).as("12 quiet periods later").isEqualTo(360 * MS);
    }

    @Test
    void withoutARefusalItNarrowsAtTheQuietPace() {
        now.set(1000 * MS);
        granted(50);
        assertThat(allowance.nanos()).as("nothing refused yet: no fast part").isEqualTo(400 * MS);
    }

    @Test
    void fromTheFloorARefusalWidensByAtLeastTheFloor() {
        ArrivalAllowance narrow = ArrivalAllowance.adaptive(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1),
                Duration.ofSeconds(5), 50, now::get);
        narrow.refused(now.get());
        assertThat(narrow.nanos()).as("doubling zero would stay zero").isPositive();
    }

    @Test
    void aFixedAllowanceNeverMovesByItself() {
        ArrivalAllowance fixed = ArrivalAllowance.fixed(Duration.ofSeconds(6));
        fixed.refused(System.nanoTime());
        assertThat(fixed.current()).isEqualTo(Duration.ofSeconds(6));
        assertThat(fixed.isAdaptive()).isFalse();
        fixed.set(Duration.ofSeconds(1));
        assertThat(fixed.current()).as("tests still set it").isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aFloorAboveTheStrictValueIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> ArrivalAllowance.adaptive(Duration.ofMillis(400),
                Duration.ofSeconds(7), Duration.ofSeconds(6), Duration.ofSeconds(5), 50));
    }
}
