package mangaassist.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.devstack.StackPorts;
import mangaassist.support.LocalRedis;
import mangaassist.chat.ChatMetrics;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatErrorCode;
import mangaassist.chat.message.ChatException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;


/**
 * What the chat asks Redis before an answer, on a real redis-server (the Lua scripts): rate limit, cache
 * read and the session's recent turns as {@link ChatRecentTurns} writes them; and what happens when Redis fails.
 */
class ChatAdmissionTest {

    private static final ChatProperties.RateLimit LIMIT = new ChatProperties.RateLimit(3, Duration.ofSeconds(60));
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(300);
    private static final Instant WINDOW_START = Instant.parse("2026-01-01T00:00:00Z");
    private static final int HISTORY_TURNS = 4;

    private static LocalRedis server;
    private static StringRedisTemplate redis;
    private static ReactiveStringRedisTemplate reactive;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ChatMetrics metrics = new ChatMetrics(registry);

    @BeforeAll
    static void startRedis() throws Exception {
        server = LocalRedis.start();
        redis = server.redis();
        reactive = server.reactive();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        server.close();
    }

    @Test
    void countsPerSessionAndWindowAndLimitsPastTheMaximum() {
        ChatAdmission admission = admission(reactive, Clock.fixed(WINDOW_START.plusSeconds(5), ZoneOffset.UTC));
        for (int i = 0; i < LIMIT.maxMessages(); i++) {
            admission.countAndRead("s-limit", "chat:resp:s-limit");
        }
        assertThatThrownBy(() -> admission.countAndRead("s-limit", "chat:resp:s-limit"))
                .isInstanceOfSatisfying(ChatException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo(ChatErrorCode.RATE_LIMITED);
                    // 5 s into the window: the rest of it
                    assertThat(e.retryAfterMs()).isEqualTo(LIMIT.window().toMillis() - 5_000);
                });
        admission.countAndRead("s-other", "chat:resp:s-other");

        // the next window starts over
        admission(reactive, Clock.fixed(WINDOW_START.plus(LIMIT.window()), ZoneOffset.UTC))
                .countAndRead("s-limit", "chat:resp:s-limit");
        assertThat(failures(ChatMetrics.STEP_RATE_LIMIT) + failures(ChatMetrics.STEP_CACHE_LOOKUP)).isZero();
    }

    @Test
    void theWindowsFirstCountGetsItsExpiryInTheSameScript() {
        admission(reactive, Clock.fixed(WINDOW_START.plusSeconds(10), ZoneOffset.UTC)).countAndRead("s-ttl", "chat:resp:s-ttl");
        Set<String> keys = redis.keys("chat:{s-ttl}:rate:*");
        assertThat(keys).hasSize(1);
        Long ttl = redis.getExpire(keys.iterator().next(), TimeUnit.MILLISECONDS);
        assertThat(ttl).isPositive().isLessThanOrEqualTo(LIMIT.window().toMillis());
    }

    @Test
    void theScriptsKeysShareTheSessionsHashSlotAsARedisClusterRequires() {
        String session = "web-7f3a:{odd}";
        assertThat(List.of(ChatAdmission.rateKey(session, 60_000, WINDOW_START.toEpochMilli()),
                        ChatCacheKey.of(session, "ワンピースの42巻は在庫ありますか？"),
                        ChatRecentTurns.key(session), ChatRecentTurns.knownKey(session)))
                .extracting(io.lettuce.core.cluster.SlotHash::getSlot)
                .containsOnly(io.lettuce.core.cluster.SlotHash.getSlot(ChatRecentTurns.key(session)));
    }

    @Test
    void readsTheCachedAnswerAlongsideTheCount() {
        redis.opsForValue().set("chat:resp:s-hit", "{\"cached\":true}");
        ChatAdmission admission = admission(reactive, Clock.systemUTC());

        assertThat(admission.countAndRead("s-hit", "chat:resp:s-hit").cached()).isEqualTo("{\"cached\":true}");
        assertThat(admission.countAndRead("s-hit", "chat:resp:nothing-here").cached()).isNull();
        assertThat(redis.keys("chat:{s-hit}:rate:*")).hasSize(1);
    }

    @Test
    void connectedAtStartupARedisThatDoesNotAnswerInTimeIsNoLimitAndAMiss() {
        redis.opsForValue().set("chat:resp:s-slow", "{\"cached\":true}");
        // a connection of its own, made by connect() only: unconnected, the first message would connect
        // on its own thread, and the handshake would wait for the pause below too
        LettuceConnectionFactory own = server.connect();
        try {
            ChatAdmission admission = admission(new ReactiveStringRedisTemplate(own), Clock.systemUTC());
            admission.connect();
            // CLIENT PAUSE holds every client's commands on the server, far longer than the admission waits
            redis.execute((RedisCallback<Object>) c -> c.execute("CLIENT", "PAUSE".getBytes(), "2000".getBytes()));

            ChatAdmission.Admission admitted = admission.countAndRead("s-slow", "chat:resp:s-slow");
            // the other tests share the server: on once the pause is over
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> "PONG".equals(redis.execute((RedisCallback<String>) c -> c.ping())));

            assertThat(admitted.cached()).isNull();
            assertThat(failures(ChatMetrics.STEP_RATE_LIMIT)).isEqualTo(1);
            assertThat(failures(ChatMetrics.STEP_CACHE_LOOKUP)).isEqualTo(1);
        } finally {
            own.destroy();
        }
    }

    @Test
    @ExtendWith(OutputCaptureExtension.class)
    void redisDownIsNoLimitAndAMissAndOneWarningAMessage(CapturedOutput output) {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(StackPorts.LOOPBACK, StackPorts.free()));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            ChatAdmission admission = admission(new ReactiveStringRedisTemplate(nowhere), Clock.systemUTC());
            admission.connect();
            for (int i = 0; i <= LIMIT.maxMessages(); i++) {
                assertThat(admission.countAndRead("s-down", "chat:resp:s-down")).isEqualTo(new ChatAdmission.Admission(null, null, null));
            }
            assertThat(failures(ChatMetrics.STEP_RATE_LIMIT)).isEqualTo(LIMIT.maxMessages() + 1);
            assertThat(failures(ChatMetrics.STEP_CACHE_LOOKUP)).isEqualTo(LIMIT.maxMessages() + 1);
            assertThat(failures(ChatMetrics.STEP_RECENT_TURNS)).isEqualTo(LIMIT.maxMessages() + 1);
            assertThat(output.getOut().lines().filter(l -> l.contains("Redis failed for session s-down")))
                    .hasSize(LIMIT.maxMessages() + 1)
                    .allMatch(l -> l.contains("rate limit not checked, cache read as a miss, history read from DynamoDB"));
        } finally {
            nowhere.destroy();
        }
    }

    @Test
    void aMissBringsTheTurnsRememberedForTheSessionOldestFirstAndAHitNone() throws Exception {
        ChatRecentTurns recent = recentTurns();
        ChatAdmission admission = admission(reactive, Clock.systemUTC());
        // a session Redis has never seen: new, no history to read
        ChatAdmission.Admission first = admission.countAndRead("s-turns", "chat:resp:s-turns-1");
        assertThat(first.historySource()).isEqualTo(History.Source.NEW);
        assertThat(first.recentTurns()).isEmpty();
        // its answer is remembered with what DynamoDB held (nothing before this answer)
        List<ChatTurn> one = ChatSessions.turns("一つ目の質問", "一つ目の回答", 1_000L);
        assertThat(recent.remember("s-turns", one, History.Source.SESSIONS, List.of())).isTrue();

        ChatAdmission.Admission second = admission.countAndRead("s-turns", "chat:resp:s-turns-2");
        assertThat(second.historySource()).isEqualTo(History.Source.RECENT);
        assertThat(second.recentTurns()).containsExactlyElementsOf(one);
        List<ChatTurn> two = ChatSessions.turns("second question", "second answer", 2_000L);
        assertThat(recent.remember("s-turns", two, History.Source.RECENT, second.recentTurns())).isTrue();

        assertThat(admission.countAndRead("s-turns", "chat:resp:s-turns-3").recentTurns())
                .containsExactly(one.get(0), one.get(1), two.get(0), two.get(1));

        // a cached answer needs no history
        recent.remember("s-turns-hit", one, History.Source.SESSIONS, List.of());
        redis.opsForValue().set("chat:resp:s-turns-hit", "{\"cached\":true}");
        assertThat(admission.countAndRead("s-turns-hit", "chat:resp:s-turns-hit").recentTurns()).isNull();
    }

    @Test
    void aKnownSessionWhoseTurnsRedisNoLongerHoldsIsReadFromDynamoDb() throws Exception {
        recentTurns().remember("s-quiet", ChatSessions.turns("q", "a", 1_000L), History.Source.SESSIONS,
                List.of());
        // quiet past recent-turns-ttl: the turns expired, the marker (kept for session-ttl) did not
        redis.delete(ChatRecentTurns.key("s-quiet"));

        ChatAdmission.Admission admitted = admission(reactive, Clock.systemUTC()).countAndRead("s-quiet", "chat:resp:s-quiet");

        assertThat(admitted.known()).isTrue();
        assertThat(admitted.historySource()).isEqualTo(History.Source.SESSIONS);
        assertThat(redis.getExpire(ChatRecentTurns.knownKey("s-quiet"), TimeUnit.DAYS)).isBetween(29L, 30L);
    }

    @Test
    void theSetStartsFromDynamoDbsHistoryKeepsTheLatestTurnsExpiresAndIgnoresARepeatedWrite() throws Exception {
        ChatRecentTurns recent = recentTurns();
        List<ChatTurn> history = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            history.addAll(ChatSessions.turns("q" + i, "a" + i, 1_000L * (i + 1)));
        }
        List<ChatTurn> now = ChatSessions.turns("q3", "a3", 9_000L);

        assertThat(recent.remember("s-seed", now, History.Source.SESSIONS, history)).isTrue();
        // a redelivery of the same write (say, its reply was lost) adds nothing
        assertThat(recent.remember("s-seed", now, History.Source.SESSIONS, history)).isTrue();

        List<ChatTurn> kept = ChatRecentTurns.parse(redis.opsForZSet().range(ChatRecentTurns.key("s-seed"), 0, -1)
                .stream().toList());
        assertThat(kept).extracting(ChatTurn::content).containsExactly("q2", "a2", "q3", "a3");
        assertThat(redis.getExpire(ChatRecentTurns.key("s-seed"), TimeUnit.SECONDS)).isBetween(3_500L, 3_600L);
    }

    @Test
    void turnsAreOnlyAppendedToASetThatStillExistsAndNeverAfterAnUnreadableHistory() throws Exception {
        // the set expired (or Redis was flushed) after admission read it: appending would leave a set
        // without the session's earlier turns; nothing is written, the next message reads DynamoDB
        List<ChatTurn> known = ChatSessions.turns("earlier", "earlier answer", 1_000L);
        assertThat(recentTurns().remember("s-expired", ChatSessions.turns("q", "a", 2_000L),
                History.Source.RECENT, known)).isFalse();
        assertThat(redis.hasKey(ChatRecentTurns.key("s-expired"))).isFalse();
        // DynamoDB's history was unreadable: the set is left alone, the session marked known (its turns are in DynamoDB)
        assertThat(recentTurns().remember("s-unread", ChatSessions.turns("q", "a", 2_000L),
                History.Source.UNAVAILABLE, List.of())).isFalse();
        assertThat(redis.hasKey(ChatRecentTurns.key("s-unread"))).isFalse();
        assertThat(redis.hasKey(ChatRecentTurns.knownKey("s-unread"))).isTrue();
    }

    @Test
    void anUnreadableMemberIsSkipped() {
        assertThat(ChatRecentTurns.parse(List.of())).isEmpty();
        assertThat(ChatRecentTurns.parse(List.of("{not json", "{\"role\":\"user\",\"content\":\"hi\",\"timestamp\":5}")))
                .containsExactly(ChatTurn.user("hi", 5));
    }

    private static ChatRecentTurns recentTurns() {
        return new ChatRecentTurns(redis, HISTORY_TURNS, Duration.ofHours(1), Duration.ofDays(30));
    }


    /** The connection's own command timeout is far longer than the admission's: a timeout seen below is the admission's. */
    private ChatAdmission admission(ReactiveStringRedisTemplate template, Clock clock) {
        return new ChatAdmission(template, LIMIT, HISTORY_TURNS, REDIS_TIMEOUT, metrics, clock);
    }

    private double failures(String step) {
        Counter counter = registry.find(ChatMetrics.REDIS_FAILURES).tag("step", step).counter();
        return counter == null ? 0 : counter.count();
    }
}
