package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ServiceTimeTest {

    @Test
    void startsFromTheInitialMeanAndFollowsTheAnswers() {
        ServiceTime time = new ServiceTime(1000, 0.5);
        assertThat(time.meanNanos()).isEqualTo(1000);
        time.record(2000);
        assertThat(time.meanNanos()).isEqualTo(1500);
        time.record(2000);
        assertThat(time.meanNanos()).isEqualTo(1750);
    }

    @Test
    void aSustainedChangeOfLoadIsFollowedWithinAFewDozenAnswers() {
        ServiceTime time = new ServiceTime(100_000_000, 0.1);
        for (int i = 0; i < 40; i++) {
            time.record(400_000_000);
        }
        // within 5 % of the new service time
        assertThat(time.meanNanos()).isBetween(380_000_000L, 400_000_000L);
    }

    @Test
    void resetStartsAgain() {
        ServiceTime time = new ServiceTime(1000, 1);
        time.record(5000);
        assertThat(time.meanNanos()).isEqualTo(5000);
        time.reset(700);
        assertThat(time.meanNanos()).isEqualTo(700);
    }

    @Test
    void theWeightIsAFraction() {
        assertThatThrownBy(() -> new ServiceTime(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ServiceTime(1, 1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
