package mangaassist.chat.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.session.History.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.core.script.DefaultRedisScript;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.stereotype.Component;

/**
 * The latest turns of each session, kept in Redis beside the durable DynamoDB items, so that a
 * message's history comes in the same Redis script as its rate limit and cache read
 * ({@link ChatAdmission}) instead of a DynamoDB query on the answer's path.
 *
 * <p>Per session, two keys (one hash slot): {@code chat:{sessionId}:turns}, a sorted set whose members
 * are turns as JSON scored by their timestamps, trimmed to the latest {@code history-turns} and expiring
 * {@code recent-turns-ttl} after the session's last answer; and {@code chat:{sessionId}:known}, a
 * marker kept as long as DynamoDB keeps the turns ({@code session-ttl}), which tells a new session (no
 * history to read anywhere) from one Redis holds no turns of. Adding a turn that is already there
 * changes nothing, so a redelivered write cannot duplicate a turn.
 *
 * <p>DynamoDB stays the record: the turns are written there first. A known session without turns in
 * Redis (quiet past the TTL, or Redis failing) reads DynamoDB, after which its set starts from what
 * DynamoDB held; so does, off the answer's path, a session Redis has no marker of (new, or Redis lost
 * its data). A set is only ever appended to while it exists, so it never holds the latest turns
 * without the earlier ones.
 */
@Component("chatRecentTurns")
public class ChatRecentTurns {

    private static final Logger LOG = LoggerFactory.getLogger(ChatRecentTurns.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    // KEYS: turns, marker. ARGV: turns to keep, the turns' expiry in ms, the marker's expiry in ms, mode
    // ('seed': the turns start the set from the session's history; 'append': only to a set that still
    // exists; 'none': the marker only), then score/member pairs
    static final RedisScript<Long> REMEMBER = new DefaultRedisScript<>(
            "redis.call('SET', KEYS[2], '1', 'PX', ARGV[3]) "
                    + "if ARGV[4] == 'none' or #ARGV < 5 then return 0 end "
                    + "if ARGV[4] == 'append' and redis.call('EXISTS', KEYS[1]) == 0 then return 0 end "
                    + "redis.call('ZADD', KEYS[1], unpack(ARGV, 5)) "
                    + "redis.call('ZREMRANGEBYRANK', KEYS[1], 0, -(tonumber(ARGV[1]) + 1)) "
                    + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) "
                    + "return 1", Long.class);

    private final StringRedisTemplate redis;
    private final int keep;
    private final Duration ttl;
    private final Duration knownFor;

    @Autowired
    public ChatRecentTurns(StringRedisTemplate redis, ChatProperties chat) {
        this(redis, chat.historyTurns(), chat.recentTurnsTtl(), chat.sessionTtl());
    }

    ChatRecentTurns(StringRedisTemplate redis, int keep, Duration ttl, Duration knownFor) {
        this.redis = redis;
        this.keep = keep;
        this.ttl = ttl;
        this.knownFor = knownFor;
    }

    /** The session's recent turns (a sorted set). */
    public static String key(String sessionId) {
        return "chat:{" + sessionId + "}:turns";
    }

    /** The marker of a session whose turns DynamoDB keeps. */
    public static String knownKey(String sessionId) {
        return "chat:{" + sessionId + "}:known";
    }

    /** The turns Redis holds, oldest first; an unreadable member is skipped, as an unreadable DynamoDB item is. */
    public static List<ChatTurn> parse(List<String> members) {
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

    /** Marks the message's session known and adds its two turns to the session's set, after they are in DynamoDB. */
    public void remember(ChatMessage message) throws JsonProcessingException {
        History history = message.history();
        remember(message.sessionId(), message.newTurns(), history.source(), history.turns());
    }

    /**
     * Marks the session known and adds the answer's two turns to its set, after they are in DynamoDB.
     *
     * @param turns   the question and the answer, as stored in DynamoDB
     * @param source  where this message's history came from
     * @param history that history (for {@link Source#SESSIONS}: what the set starts from)
     * @return whether the set was written: not when DynamoDB's history was unreadable, nor when the set
     *         expired between the admission and now
     */
    boolean remember(String session, List<ChatTurn> turns, Source source, List<ChatTurn> history)
            throws JsonProcessingException {
        List<ChatTurn> add = new ArrayList<>();
        String mode;
        if (source == Source.RECENT) {
            mode = "append";
            add.addAll(turns);
        } else if (source == Source.SESSIONS) {
            mode = "seed";
            add.addAll(history);
            add.addAll(turns);
        } else {
            mode = "none";
        }
        List<String> args = new ArrayList<>(4 + 2 * add.size());
        args.add(Integer.toString(keep));
        args.add(Long.toString(ttl.toMillis()));
        args.add(Long.toString(knownFor.toMillis()));
        args.add(mode);
        for (ChatTurn turn : add) {
            args.add(Long.toString(turn.timestamp()));
            args.add(JSON.writeValueAsString(turn));
        }
        Long written = redis.execute(REMEMBER, List.of(key(session), knownKey(session)), args.toArray());
        return written != null && written == 1;
    }
}
