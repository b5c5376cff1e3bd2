package mangaassist.chat.overload;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import org.apache.camel.Exchange;
import org.apache.camel.Header;
import org.apache.camel.component.vertx.websocket.VertxWebsocketConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Admission control of chat work (issue: chat under overload). The answers that need the model run on the bounded
 * work queue of the chat routes ({@code seda:chat-work}: {@code workers} consumers, at most {@code queue-capacity}
 * waiting); a message is admitted to it only when the {@link AdmissionRule} expects its answer
 * within the time budget, and is otherwise refused at once with {@code OVERLOADED} and a retry hint. Cache hits
 * never enter the queue. A WebSocket connection has at most {@code max-in-flight-per-connection} messages in flight.
 *
 * <p>Pressure in Prometheus (tag flow=chat): {@code mangaassist_chat_queue_length} (messages waiting for a worker),
 * {@code mangaassist_chat_queue_in_service}, {@code mangaassist_chat_queue_expected_wait_seconds} (for a message
 * arriving now; +Inf while more than a round of answers waits and none has been seen finishing), {@code mangaassist_chat_service_time_seconds} (the measured mean) and
 * {@code mangaassist_chat_refusals_total{reason}}.
 *
 * <p>Shutdown: a {@link SmartLifecycle} stopped before Tomcat and Camel. From then on every message is refused
 * (reason shutdown, with {@code shutdown-retry-after}: the client reconnects, to another instance), and the stop
 * waits up to the time budget for the admitted answers to finish. {@link #start()} admits again (a stop in a test).
 *
 * <p>The limits can be changed at run time ({@link #setWorkers} and {@link #setQueueCapacity} up to the configured ones,
 * {@link #setMaxInFlightPerConnection}; {@link #restoreSettings} goes back to the properties): an operator's lever,
 * and how the flow tests create pressure without a context of their own.
 */
@Component("chatWorkQueue")
public class ChatWorkQueue implements SmartLifecycle {

    /** Exchange property: the message's place in the queue (infrastructure, not the flow's data). */
    static final String TICKET = "chatWorkTicket";
    public static final String QUEUE_LENGTH = "mangaassist.chat.queue.length";
    public static final String IN_SERVICE = "mangaassist.chat.queue.in.service";
    public static final String EXPECTED_WAIT = "mangaassist.chat.queue.expected.wait";
    public static final String SERVICE_TIME = "mangaassist.chat.service.time";
    public static final String REFUSALS = "mangaassist.chat.refusals";

    private static final Logger LOG = LoggerFactory.getLogger(ChatWorkQueue.class);

    private final ChatOverloadProperties settings;
    private final AdmissionRule rule;
    private final long shutdownRetryAfterMs;
    private final long budgetNanos;
    private final ServiceTime serviceTime;
    private final DrainRate drainRate;
    private final ConnectionLimits connections = new ConnectionLimits();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger inService = new AtomicInteger();
    /** Frames the door let through that have not yet reached {@link #admit} (nor ended before it). */
    private final AtomicInteger passedDoor = new AtomicInteger();
    private final Map<AdmissionRule.Reason, Counter> refusals = new EnumMap<>(AdmissionRule.Reason.class);
    private final Object idle = new Object();
    private final Object admission = new Object();
    /** Guards {@link #inService} against {@link #workers}: a worker takes a message only while fewer are in service. */
    private final Object workerFree = new Object();

    private volatile int workers;
    private volatile int capacity;
    private volatile int maxPerConnection;
    private volatile boolean draining;

    public ChatWorkQueue(ChatOverloadProperties settings, ChatProperties chat, MeterRegistry meters) {
        this.settings = settings;
        this.budgetNanos = chat.timeBudget().toNanos();
        this.rule = new AdmissionRule(budgetNanos, settings.retryAfterMin().toNanos(), settings.retryAfterMax().toNanos());
        this.shutdownRetryAfterMs = settings.shutdownRetryAfter().toMillis();
        this.serviceTime = new ServiceTime(settings.initialServiceTime().toNanos(), settings.serviceTimeWeight());
        this.drainRate = new DrainRate(settings.drainWindow().toNanos());
        restoreSettings();
        for (AdmissionRule.Reason reason : AdmissionRule.Reason.values()) {
            refusals.put(reason, Counter.builder(REFUSALS).description("Chat messages refused at once (OVERLOADED)")
                    .tag("flow", "chat").tag("reason", reason.tag()).register(meters));
        }
        Gauge.builder(QUEUE_LENGTH, waiting, AtomicInteger::get).description("Chat messages waiting for a worker")
                .tag("flow", "chat").register(meters);
        Gauge.builder(IN_SERVICE, inService, AtomicInteger::get).description("Chat answers being worked on")
                .tag("flow", "chat").register(meters);
        TimeGauge.builder(EXPECTED_WAIT, this, TimeUnit.NANOSECONDS, q -> q.load().expectedWaitGaugeNanos())
                .description("Expected wait for a worker of a chat message arriving now").tag("flow", "chat")
                .register(meters);
        TimeGauge.builder(SERVICE_TIME, serviceTime, TimeUnit.NANOSECONDS, ServiceTime::meanNanos)
                .description("Measured mean time of a worker per chat answer").tag("flow", "chat").register(meters);
    }

    /**
     * Step before the rate limit and cache: refuses every message while the instance shuts down, and a WebSocket
     * message whose connection has its cap in flight already; otherwise holds one of the connection's slots until
     * the message is done.
     */
    public void enter(@Header(VertxWebsocketConstants.CONNECTION_KEY) String connectionKey, Exchange exchange) {
        if (draining) {
            throw refused(rule.refuse(AdmissionRule.Reason.SHUTDOWN, TimeUnit.MILLISECONDS.toNanos(shutdownRetryAfterMs)));
        }
        long waited = waitedSinceArrival(exchange);
        if (waited >= budgetNanos) {
            // it waited its whole budget for a thread to take it (the WebSocket's worker pool): no answer, cached or
            // not, can come in time any more; refused without a Redis round trip, so that the backlog clears faster
            throw refused(rule.refuse(AdmissionRule.Reason.EXPECTED_WAIT, waited - budgetNanos));
        }
        if (connectionKey == null) {
            return;
        }
        if (!connections.tryAcquire(connectionKey, maxPerConnection)) {
            // by then its earlier message should be answered
            throw refused(rule.refuse(AdmissionRule.Reason.CONNECTION, serviceTime.meanNanos()));
        }
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onDone(Exchange done) {
                connections.release(connectionKey);
            }
        });
    }

    /**
     * The door's question ({@link ChatDoor}, on the WebSocket's event loop as a frame arrives, before it waits for a
     * worker thread): would a message arriving now be admitted? The frames the door let through that have not yet
     * reached {@link #admit} count as in service (while workers are free) or waiting: in a burst they are all still
     * in front of the route. Admitted: the frame holds a place at the door until its {@link DoorPass} is given back
     * (at {@link #admit}, or when its exchange ends before it: a cache hit, a bad frame). Refused: nothing is counted
     * yet; the door may still let a likely cache hit through, and counts a refusal with {@link #refusedAtDoor}.
     */
    public AdmissionRule.Decision atDoor() {
        if (draining) {
            return rule.refuse(AdmissionRule.Reason.SHUTDOWN, TimeUnit.MILLISECONDS.toNanos(shutdownRetryAfterMs));
        }
        synchronized (admission) {
            AdmissionRule.Load now = load();
            // the frames let in take the free workers first, the rest wait
            int passed = passedDoor.get();
            int toWorkers = Math.min(passed, Math.max(0, now.workers() - now.inService()));
            AdmissionRule.Decision decision = rule.decide(0, new AdmissionRule.Load(now.waiting() + passed - toWorkers,
                    now.inService() + toWorkers, now.workers(), now.capacity(), now.meanServiceNanos(),
                    now.drainPerSecond()));
            if (decision.admitted()) {
                passedDoor.incrementAndGet();
            }
            return decision;
        }
    }

    /** A place at the door, given back once. */
    public DoorPass doorPass() {
        return new DoorPass();
    }

    /** The door refused a frame: counted as the route's refusals are. */
    public void refusedAtDoor(AdmissionRule.Decision decision) {
        refusals.get(decision.refused()).increment();
    }

    /** Frames let through by the door and not yet admitted or ended. */
    public int passedDoor() {
        return passedDoor.get();
    }

    /**
     * Step before the queue: a message that needs the model is admitted (a place reserved for it) or refused at once
     * ({@link AdmissionRule}). Its place is given back when it is done, whatever the outcome.
     */
    public ChatMessage admit(ChatMessage message, Exchange exchange) {
        if (draining) {
            throw refused(rule.refuse(AdmissionRule.Reason.SHUTDOWN, TimeUnit.MILLISECONDS.toNanos(shutdownRetryAfterMs)));
        }
        DoorPass pass = exchange.getProperty(DoorPass.PROPERTY, DoorPass.class);
        if (pass != null) {
            // its place at the door becomes the decision below
            pass.release();
        }
        long elapsed = Math.max(System.nanoTime() - message.startNanos(), waitedSinceArrival(exchange));
        AdmissionRule.Decision decision;
        // decide and reserve at once, so that concurrent admissions cannot together pass the capacity
        synchronized (admission) {
            decision = rule.decide(elapsed, load());
            if (decision.admitted()) {
                waiting.incrementAndGet();
            }
        }
        if (!decision.admitted()) {
            throw refused(decision);
        }
        Ticket ticket = new Ticket();
        exchange.setProperty(TICKET, ticket);
        exchange.getExchangeExtension().addOnCompletion(ticket);
        return message;
    }

    /**
     * First step on a worker: the message leaves the queue; its service time counts from here. With fewer workers set
     * at run time than the route's consumers, a consumer waits here until one of the set workers is free (the message
     * still counts as waiting).
     */
    public void started(Exchange exchange) throws InterruptedException {
        Ticket ticket = exchange.getProperty(TICKET, Ticket.class);
        if (ticket != null) {
            ticket.start();
        }
    }

    /**
     * Time since the frame or request arrived: the exchange was created by the consumer as it arrived, before it waited
     * for a thread to run the route (the WebSocket consumer queues every message for Vert.x's worker pool); the
     * message's own start ({@code receive}) only counts from there. Milliseconds, the exchange clock's resolution.
     */
    static long waitedSinceArrival(Exchange exchange) {
        long created = exchange.getClock().getCreated();
        return created <= 0 ? 0 : TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - created));
    }

    /** The queue now, as the rule sees it. */
    public AdmissionRule.Load load() {
        return new AdmissionRule.Load(waiting.get(), inService.get(), workers, capacity, serviceTime.meanNanos(),
                drainRate.perSecond(System.nanoTime()));
    }

    public Duration meanServiceTime() {
        return Duration.ofNanos(serviceTime.meanNanos());
    }

    public int inFlight(String connectionKey) {
        return connections.inFlight(connectionKey);
    }

    // ------------------------------------------------------------------ run-time settings

    /** Answers worked on at once from now on: 1 up to the configured workers (the work queue's consumers). */
    public void setWorkers(int n) {
        if (n < 1 || n > settings.workers()) {
            throw new IllegalArgumentException("workers must be 1.." + settings.workers() + ": " + n);
        }
        synchronized (workerFree) {
            workers = n;
            workerFree.notifyAll();
        }
    }

    /** Messages waiting at most, from now on: 0 up to the configured queue-capacity (the work queue's size). */
    public void setQueueCapacity(int n) {
        if (n < 0 || n > settings.queueCapacity()) {
            throw new IllegalArgumentException("queue capacity must be 0.." + settings.queueCapacity() + ": " + n);
        }
        capacity = n;
    }

    public void setMaxInFlightPerConnection(int n) {
        maxPerConnection = n;
    }

    /** Starts the measured service time again from this value. */
    public void resetServiceTime(Duration mean) {
        serviceTime.reset(mean.toNanos());
    }

    /** Back to the properties' limits and the initial service time, with no answer counted in the drain rate. */
    public synchronized void restoreSettings() {
        setWorkers(settings.workers());
        capacity = settings.queueCapacity();
        maxPerConnection = settings.maxInFlightPerConnection();
        serviceTime.reset(settings.initialServiceTime().toNanos());
        drainRate.reset();
    }

    // ------------------------------------------------------------------ shutdown

    @Override
    public void start() {
        draining = false;
    }

    /** Refuses new messages from now on, and waits up to the time budget for the admitted answers to finish. */
    @Override
    public void stop() {
        draining = true;
        long deadline = System.nanoTime() + budgetNanos;
        synchronized (idle) {
            long left;
            while (busy() > 0 && (left = deadline - System.nanoTime()) > 0) {
                try {
                    idle.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        if (busy() > 0) {
            LOG.warn("Chat shutdown: {} answers still in flight after the time budget", busy());
        } else {
            LOG.info("Chat shutdown: no new messages admitted, every admitted answer finished");
        }
    }

    @Override
    public boolean isRunning() {
        return !draining;
    }

    /** Stopped first: before Tomcat's graceful shutdown and the Camel context (which closes the WebSocket). */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }

    public boolean isDraining() {
        return draining;
    }

    /** Admitted messages not yet done (waiting or in service). */
    public int busy() {
        return waiting.get() + inService.get();
    }

    private ChatOverloadedException refused(AdmissionRule.Decision decision) {
        refusals.get(decision.refused()).increment();
        return new ChatOverloadedException(decision.refused(), decision.retryAfterMs());
    }

    private void done() {
        if (draining && busy() == 0) {
            synchronized (idle) {
                idle.notifyAll();
            }
        }
    }

    /**
     * A frame's place at the door (exchange property {@link #PROPERTY}, and a completion of its exchange): given back
     * at {@link #admit} or when the exchange ends, whichever comes first.
     */
    public final class DoorPass extends SynchronizationAdapter {
        public static final String PROPERTY = "chatDoorPass";
        private final AtomicBoolean held = new AtomicBoolean(true);

        public void release() {
            if (held.compareAndSet(true, false)) {
                passedDoor.decrementAndGet();
            }
        }

        @Override
        public void onDone(Exchange exchange) {
            release();
        }
    }

    /** One admitted message: waiting, then in service, then done (its completion gives its place back). */
    private final class Ticket extends SynchronizationAdapter {
        private long startedAt;
        private boolean started;
        private boolean finished;

        void start() throws InterruptedException {
            synchronized (workerFree) {
                while (inService.get() >= workers) {
                    workerFree.wait();
                }
                synchronized (this) {
                    if (started || finished) {
                        return;
                    }
                    started = true;
                    startedAt = System.nanoTime();
                    inService.incrementAndGet();
                    waiting.decrementAndGet();
                }
            }
        }

        @Override
        public void onDone(Exchange exchange) {
            boolean wasStarted;
            long now = System.nanoTime();
            synchronized (this) {
                if (finished) {
                    return;
                }
                finished = true;
                wasStarted = started;
            }
            if (wasStarted) {
                serviceTime.record(now - startedAt);
                drainRate.record(now);
                // not under this ticket's lock: start() takes workerFree first
                synchronized (workerFree) {
                    inService.decrementAndGet();
                    workerFree.notify();
                }
            } else {
                waiting.decrementAndGet();
            }
            done();
        }
    }
}
