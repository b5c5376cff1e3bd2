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
    /** An observed drain rate faster than any service rate here: only the service time decides. */
    private static final double FAST = 1e6;

    @Test
    void aFreeWorkerAdmitsWhateverTheServiceTime() {
        assertThat(rule.decide(0, new Load(0, 31, 32, 256, 400 * MS, FAST)).admitted()).isTrue();
        // even a model slower than the budget: the model's own timeouts deal with that, not the queue
        assertThat(rule.decide(0, new Load(0, 0, 32, 256, 5000 * MS, FAST)).admitted()).isTrue();
    }

    @Test
    void aFreeWorkerRefusesAMessageThatSpentTooLongAlreadyToBeAnsweredInTime() {
        Load free = new Load(0, 10, 32, 256, 800 * MS, FAST);
        // 2.2 s spent waiting for a thread, + 0.8 s of service = 3 s: just within the budget
        assertThat(rule.decide(2200 * MS, free).admitted()).isTrue();
        AdmissionRule.Decision refused = rule.decide(2300 * MS, free);
        assertThat(refused.refused()).isEqualTo(Reason.EXPECTED_WAIT);
        // back after about one answer's time
        assertThat(refused.retryAfterMs()).isEqualTo(800);
        // a model slower than the whole budget is not the queue's to refuse
        assertThat(rule.decide(2900 * MS, new Load(0, 1, 32, 256, 5000 * MS, FAST)).admitted()).isTrue();
        // nor a message when nothing is in service: the mean (grown to 2.9 s in a slow spell) needs answers to follow
        // the load back
        Load idle = new Load(0, 0, 32, 256, 2900 * MS, FAST);
        assertThat(rule.decide(200 * MS, idle).admitted()).isTrue();
        assertThat(rule.decide(200 * MS, new Load(0, 1, 32, 256, 2900 * MS, FAST)).refused()).isEqualTo(Reason.EXPECTED_WAIT);
    }

    @Test
    void theExpectedWaitIsTheWorkAheadDrainedAtTheServiceRate() {
        // 32 busy, 32 waiting: 33 must finish first, at 32 per 400 ms
        Load load = new Load(32, 32, 32, 256, 400 * MS, FAST);
        assertThat(load.ahead()).isEqualTo(33);
        assertThat(load.expectedWaitNanos()).isEqualTo(33 * 400 * MS / 32);
        assertThat(new Load(0, 10, 32, 256, 400 * MS, FAST).expectedWaitNanos()).isZero();
    }

    @Test
    void admitsWhileTheAnswerIsExpectedWithinTheBudget() {
        // 1 worker busy, 1 s per answer: a wait of 1 s + 1 s of service + 0.5 s spent = 2.5 s
        assertThat(rule.decide(500 * MS, new Load(0, 1, 1, 256, 1000 * MS, FAST)).admitted()).isTrue();
        // one more waiting: 2 s + 1 s + 0.5 s = 3.5 s > 3 s, refused; the hint is the 0.5 s it is over
        AdmissionRule.Decision refused = rule.decide(500 * MS, new Load(1, 1, 1, 256, 1000 * MS, FAST));
        assertThat(refused.admitted()).isFalse();
        assertThat(refused.refused()).isEqualTo(Reason.EXPECTED_WAIT);
        assertThat(refused.retryAfterMs()).isEqualTo(500);
    }

    @Test
    void theTimeAlreadySpentCounts() {
        Load load = new Load(0, 1, 1, 256, 1000 * MS, FAST);
        assertThat(rule.decide(0, load).admitted()).isTrue();
        assertThat(rule.decide(1200 * MS, load).refused()).isEqualTo(Reason.EXPECTED_WAIT);
    }

    @Test
    void aFullQueueRefusesEvenWhenTheWaitWouldFit() {
        AdmissionRule.Decision refused = rule.decide(0, new Load(4, 32, 32, 4, 10 * MS, FAST));
        assertThat(refused.refused()).isEqualTo(Reason.QUEUE_FULL);
        // the hint is never shorter than the least one
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        assertThat(rule.decide(0, new Load(0, 1, 1, 0, 10 * MS, FAST)).refused()).isEqualTo(Reason.QUEUE_FULL);
    }

    @Test
    void theHintIsBounded() {
        AdmissionRule.Decision refused = rule.decide(0, new Load(200, 32, 32, 256, 2000 * MS, FAST));
        assertThat(refused.retryAfterMs()).isEqualTo(10_000);
        assertThat(rule.refuse(Reason.SHUTDOWN, 1000 * MS).retryAfterMs()).isEqualTo(1000);
        assertThat(rule.refuse(Reason.CONNECTION, 1 * MS).retryAfterMs()).isEqualTo(500);
    }

    @Test
    void beyondOneRoundAheadTheObservedDrainRateDecidesWhenItIsSlowerThanTheServiceRate() {
        // 32 busy, 64 waiting: 65 ahead; the service time (164 ms, measured before a burst) promises 195 answers/s
        Load promised = new Load(64, 32, 32, 256, 164 * MS, FAST);
        assertThat(promised.expectedWaitNanos()).isEqualTo(65 * 164 * MS / 32);
        assertThat(rule.decide(0, promised).admitted()).isTrue();
        // 40 answers/s observed while the burst's frames take the CPU: 65 / 40 = 1.625 s, + 164 ms + 1.3 s spent > 3 s
        Load observed = new Load(64, 32, 32, 256, 164 * MS, 40);
        assertThat(observed.expectedWaitNanos()).isEqualTo(1625 * MS);
        assertThat(rule.decide(1000 * MS, observed).admitted()).isTrue();
        AdmissionRule.Decision refused = rule.decide(1300 * MS, observed);
        assertThat(refused.refused()).isEqualTo(Reason.EXPECTED_WAIT);
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        // the service rate still decides when it is the slower one
        assertThat(new Load(64, 32, 32, 256, 1000 * MS, 100).expectedWaitNanos()).isEqualTo(65 * 1000 * MS / 32);
    }

    @Test
    void withNoAnswerObservedOnlyOneRoundWaits() {
        // a burst after a quiet time: 32 busy, none finished lately. Up to 32 ahead wait, on the service time's word
        Load oneRound = new Load(31, 32, 32, 256, 200 * MS, 0);
        assertThat(oneRound.ahead()).isEqualTo(32);
        assertThat(oneRound.expectedWaitNanos()).isEqualTo(200 * MS);
        assertThat(rule.decide(0, oneRound).admitted()).isTrue();
        // the 33rd: no drain rate to promise its turn; refused, back after about one answer's time (within the bounds)
        Load beyond = new Load(32, 32, 32, 256, 200 * MS, 0);
        assertThat(beyond.expectedWaitNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(beyond.expectedWaitGaugeNanos()).as("the gauge: no end in sight").isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(oneRound.expectedWaitGaugeNanos()).isEqualTo(200.0 * MS);
        AdmissionRule.Decision refused = rule.decide(0, beyond);
        assertThat(refused.refused()).isEqualTo(Reason.EXPECTED_WAIT);
        assertThat(refused.retryAfterMs()).isEqualTo(500);
        assertThat(rule.decide(0, new Load(32, 32, 32, 256, 2000 * MS, 0)).retryAfterMs()).isEqualTo(2000);
        // one worker: one waiting is one round
        assertThat(rule.decide(0, new Load(0, 1, 1, 256, 1000 * MS, 0)).admitted()).isTrue();
        assertThat(rule.decide(0, new Load(1, 1, 1, 256, 100 * MS, 0)).refused()).isEqualTo(Reason.EXPECTED_WAIT);
    }

    @Test
    void reasonsHaveTheirCounterTags() {
        assertThat(Reason.values()).extracting(Reason::tag)
                .containsExactly("expected-wait", "queue-full", "connection", "shutdown");
    }
}
