package mangaassist.chat.overload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import mangaassist.chat.overload.AdmissionRule.Load;
import mangaassist.chat.overload.AdmissionRule.Reason;
import org.junit.jupiter.api.Test;

class AdmissionRuleTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** 3 s budget, hints within 0.5–10 s. */
    private final AdmissionRule rule = new AdmissionRule(3000 * MS, 500 * MS, 10_000 * MS);

    @Test
    void aFreeWorkerAdmitsWhateverTheServiceTime() {
        assertThat(rule.decide(0, new Load(0, 31, 32, 256, 400 * MS)).admitted()).isTrue();
        // even a model slower than the budget: the model's own timeouts deal with that, not the queue
        assertThat(rule.decide(0, new Load(0, 0, 32, 256, 5000 * MS)).admitted()).isTrue();
    }

    @Test
    void theExpectedWaitIsTheWorkAheadDrainedAtTheServiceRate() {
        // 32 busy, 32 waiting: 33 must finish first, at 32 per 400 ms
        Load load = new Load(32, 32, 32, 256, 400 * MS);
        assertThat(load.ahead()).isEqualTo(33);
        assertThat(load.expectedWaitNanos()).isEqualTo(33 * 400 * MS / 32);
        assertThat(new Load(0, 10, 32, 256, 400 * MS).expectedWaitNanos()).isZero();
    }

    @Test
    void admitsWhileTheAnswerIsExpectedWithinTheBudget() {
        // 1 worker busy, 1 s per answer: a wait of 1 s + 1 s of service + 0.5 s spent = 2.5 s
        assertThat(rule.decide(500 * MS, new Load(0, 1, 1, 256, 1000 * MS)).admitted()).isTrue();
        // one more waiting: 2 s + 1 s + 0.5 s = 3.5 s > 3 s, refused; the hint is the 0.5 s it is over
        AdmissionRule.Decision refused = rule.decide(500 * MS, new Load(1, 1, 1, 256, 1000 * MS));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refused()).isEqualTo(Reason.EXPECTED_WAIT);
        assertThat(refused.retryAfterMs()).isEqualTo(500);
    }

    @Test
    void theTimeAlreadySpentCounts() {
        Load load = new Load(0, 1, 1, 256, 1000 * MS);
        assertThat(rule.decide(0, load).admitted()).isTrue();
        assertThat(rule.decide(1200 * MS, load).refused()).isEqualTo(Reason.EXPECTED_WAIT);
    }

    @Test
    void aFullQueueRefusesEvenWhenTheWaitWouldFit() {
        AdmissionRule.Decision refused = rule.decide(0, new Load(4, 32, 32, 4, 10 * MS));
        assertThat(refused.refused()).isEqualTo(Reason.QUEUE_FULL);
        // the hint is never shorter than the least one
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        assertThat(rule.decide(0, new Load(0, 1, 1, 0, 10 * MS)).refused()).isEqualTo(Reason.QUEUE_FULL);
    }

    @Test
    void theHintIsBounded() {
        AdmissionRule.Decision refused = rule.decide(0, new Load(200, 32, 32, 256, 2000 * MS));
        assertThat(refused.retryAfterMs()).isEqualTo(10_000);
        assertThat(rule.refuse(Reason.SHUTDOWN, 1000 * MS).retryAfterMs()).isEqualTo(1000);
        assertThat(rule.refuse(Reason.CONNECTION, 1 * MS).retryAfterMs()).isEqualTo(500);
    }

    @Test
    void reasonsHaveTheirCounterTags() {
        assertThat(Reason.values()).extracting(Reason::tag)
                .containsExactly("expected-wait", "queue-full", "connection", "shutdown");
    }
}
