package mangaassist.chat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The latest turns of each session, kept in Redis beside the durable DynamoDB items, so that a
 * message's history comes in the same round trip as its rate limit and cache read
 * ({@link ChatAdmission}) instead of a DynamoDB query on the answer's path.
 *
 * <p>One sorted set per session, {@code chat:turns:<sessionId>}: a member is a turn as JSON, its score
 * the turn's timestamp, trimmed to the latest {@code history-turns} and expiring
 * {@code recent-turns-ttl} after the session's last answer. Adding a turn that is already there changes
 * nothing, so a redelivered write cannot duplicate a turn.
 *
 * <p>DynamoDB stays the record: the turns are written there first, and a session Redis knows nothing of
 * (new, quiet past the TTL, Redis flushed or down) reads DynamoDB, after which its set starts from what
 * DynamoDB held. A set is only ever appended to while it exists, so it never holds the latest turns
 * without the earlier ones.
 */
@Component("chatRecentTurns")
public class ChatRecentTurns {

    private static final Logger LOG = LoggerFactory.getLogger(ChatRecentTurns.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY_PREFIX = "chat:turns:";

    // ARGV: turns to keep, expiry in ms, '1' when the turns start the set from the session's history
    // ('0': append only, and only to a set that still exists), then score/member pairs
    static final RedisScript<Long> REMEMBER = new DefaultRedisScript<>(
            "if ARGV[3] == '0' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                    + "redis.call('ZADD', KEYS[1], unpack(ARGV, 4)) "
                    + "redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1)) "
                    + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
                    + "return 1", Long.class);

    private final StringRedisTemplate redis;
    private final int keep;
    private final Duration ttl;

    @Autowired
    public ChatRecentTurns(StringRedisTemplate redis, ChatProperties chat) {
        this(redis, chat.historyTurns(), chat.recentTurnsTtl());
    }

    ChatRecentTurns(StringRedisTemplate redis, int keep, Duration ttl) {
        this.redis = redis;
        this.keep = keep;
        this.ttl = ttl;
    }

    public static String key(String sessionId) {
        return KEY_PREFIX + sessionId;
    }

    /**
     * The turns Redis holds (oldest first), or null when it holds none: the session's history is then
     * read from DynamoDB. An unreadable member is skipped, as an unreadable DynamoDB item is.
     */
    public static List<ChatTurn> parse(List<String> members) {
        if (members == null || members.isEmpty()) {
            return null;
        }
        List<ChatTurn> turns = new ArrayList<>(members.size());
        for (String member : members) {
            try {
                ChatTurn turn = JSON.readValue(member, ChatTurn.class);
                if (turn.role() != null && turn.content() != null) {
                    turns.add(turn);
                }
            } catch (JsonProcessingException e) {
                LOG.warn("Unreadable recent turn skipped: {}", e.getOriginalMessage());
            }
        }
        return turns;
    }

    /**
     * Adds the answer's two turns to the session's set, after they are in DynamoDB.
     *
     * @param turns  the question and the answer, as stored in DynamoDB
     * @param recent the history Redis gave this message, null if it had none
     * @param seed   the history DynamoDB gave this message, null if it was not read or unreadable
     * @return whether the set was written: not when Redis had no history and DynamoDB's was unreadable
     *         (the next message reads DynamoDB again), nor when the set expired in between
     */
    public boolean remember(@ExchangeProperty(ChatSteps.REQUEST) ChatRequest request,
                            @ExchangeProperty(ChatSteps.NEW_TURNS) List<ChatTurn> turns,
                            @ExchangeProperty(ChatSteps.RECENT) List<ChatTurn> recent,
                            @ExchangeProperty(ChatSteps.HISTORY_SEED) List<ChatTurn> seed) throws JsonProcessingException {
        if (recent == null && seed == null) {
            return false;
        }
        List<ChatTurn> add = new ArrayList<>(turns);
        if (recent == null) {
            add.addAll(0, seed);
        }
        List<String> args = new ArrayList<>(3 + 2 * add.size());
        args.add(Integer.toString(keep));
        args.add(Long.toString(ttl.toMillis()));
        args.add(recent == null ? "1" : "0");
        for (ChatTurn turn : add) {
            args.add(Long.toString(turn.timestamp()));
            args.add(JSON.writeValueAsString(turn));
        }
        Long written = redis.execute(REMEMBER, List.of(key(request.sessionId())), args.toArray());
        return written != null && written == 1;
    }
}
