package mangaassist.chat.overload;

/**
 * Whether a message that needs the model is admitted to the work queue: refused at once when the queue is full,
 * or when its expected answer time would pass the time budget. Expected answer time = time already spent on the
 * message + its expected wait + one service time. With a worker free there is no wait, and the message is admitted
 * whatever the service time (a model slower than the whole budget is the model timeouts' business, not the queue's),
 * unless the time it already spent leaves less than one service time of the budget.
 *
 * <p>The expected wait is the work ahead of the message drained at the service rate (workers / mean service time),
 * and, for a message behind more than one round of answers (more ahead than there are workers), at the drain rate
 * observed ({@link DrainRate}: answers finished per second lately) when that is slower. The service time measured
 * before a burst promises more than the instance drains while the burst's own frames take the CPU; the observed rate
 * lags and errs low at a burst's start (none observed: no message beyond the first round is admitted), so the queue
 * fills only as fast as answers are seen to leave it, and an admitted message is not answered late.
 *
 * @param budgetNanos   the answer's time budget ({@code mangaassist.chat.time-budget})
 * @param retryMinNanos the least retry hint
 * @param retryMaxNanos the longest retry hint
 */
public record AdmissionRule(long budgetNanos, long retryMinNanos, long retryMaxNanos) {
    // (a full queue refuses whatever the expected wait: the capacity bounds memory and the drain at shutdown)

    /** Why a message was refused: the tag of the refusal counter. */
    public enum Reason {
        /** its expected wait would have made the answer late */
        EXPECTED_WAIT("expected-wait"),
        /** the queue holds queue-capacity messages already */
        QUEUE_FULL("queue-full"),
        /** its connection has max-in-flight-per-connection messages in flight already */
        CONNECTION("connection"),
        /** the instance is shutting down */
        SHUTDOWN("shutdown");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    /** The rule's answer: admitted, or refused with a reason and a retry hint (ms). */
    public record Decision(Reason refused, long retryAfterMs) {
        static final Decision ADMIT = new Decision(null, 0);

        public boolean admitted() {
            return refused == null;
        }
    }

    /**
     * What the queue looks like when a message asks to enter it.
     *
     * @param drainPerSecond answers finished per second lately (observed; 0 when none)
     */
    public record Load(int waiting, int inService, int workers, int capacity, long meanServiceNanos,
                       double drainPerSecond) {

        /** Messages that must be done before this one starts: those waiting, plus those in service beyond the workers free. */
        public int ahead() {
            return Math.max(0, waiting + inService + 1 - workers);
        }

        /**
         * The expected wait for a worker: the work ahead drained at the service rate, workers / mean service time;
         * beyond one round ahead, at the observed drain rate when that is slower (none observed: no end in sight).
         */
        public long expectedWaitNanos() {
            if (workers <= 0) {
                return Long.MAX_VALUE;
            }
            int ahead = ahead();
            long atServiceRate = ahead * meanServiceNanos / workers;
            if (ahead <= workers) {
                return atServiceRate;
            }
            if (drainPerSecond <= 0) {
                return Long.MAX_VALUE;
            }
            return Math.max(atServiceRate, Math.round(ahead * 1e9 / drainPerSecond));
        }

        /**
         * The expected wait as the gauge shows it: +Inf when there is no end in sight (more than a round ahead and no
         * answer seen finishing), not {@code Long.MAX_VALUE} nanoseconds (9.2e9 s, which reads like a real figure).
         */
        public double expectedWaitGaugeNanos() {
            long wait = expectedWaitNanos();
            return wait == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : wait;
        }
    }

    /**
     * @param elapsedNanos time already spent on the message (parse, rate limit, cache read)
     * @param load         the queue now
     */
    public Decision decide(long elapsedNanos, Load load) {
        if (load.ahead() == 0) {
            // a worker is free: no wait. Yet a message that already spent so long (waiting for a thread to take its frame)
            // that one answer's time would end past the budget would only be answered late. With nothing in service it
            // is admitted all the same: the service time is measured from answers, and refusing every one would leave
            // a mean grown near the budget (a slow spell) there for good
            long over = elapsedNanos + load.meanServiceNanos() - budgetNanos;
            return over > 0 && load.meanServiceNanos() < budgetNanos && load.inService() > 0
                    ? refuse(Reason.EXPECTED_WAIT, load.meanServiceNanos()) : Decision.ADMIT;
        }
        if (load.waiting() >= load.capacity()) {
            // the hint: time for the queue to drain to where this message would fit within the budget
            return refuse(Reason.QUEUE_FULL, overBudgetNanos(elapsedNanos, load));
        }
        long over = overBudgetNanos(elapsedNanos, load);
        return over > 0 ? refuse(Reason.EXPECTED_WAIT, over) : Decision.ADMIT;
    }

    /** A refusal with a retry hint of about {@code nanos}, within the hint's bounds. */
    public Decision refuse(Reason reason, long nanos) {
        return new Decision(reason, Math.max(retryMinNanos, Math.min(retryMaxNanos, nanos)) / 1_000_000);
    }

    /** By how much the expected answer time passes the budget (≤ 0: within it). */
    private long overBudgetNanos(long elapsedNanos, Load load) {
        long wait = load.expectedWaitNanos();
        if (wait == Long.MAX_VALUE) {
            // no answer observed yet beyond the first round: come back after about one answer's time
            return load.workers() <= 0 ? Long.MAX_VALUE : load.meanServiceNanos();
        }
        return elapsedNanos + wait + load.meanServiceNanos() - budgetNanos;
    }
}
