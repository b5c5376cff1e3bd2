package mangaassist.chat.session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ComparisonOperator;
import software.amazon.awssdk.services.dynamodb.model.Condition;

/**
 * Session turns in DynamoDB: one item per message (sessionId, timestamp in epoch ms, role, content,
 * expiresAt for the table's TTL). Reading takes the LATEST turns (query newest first, then put in
 * chronological order); the seed read the oldest ones.
 */
public final class ChatSessions {

    private ChatSessions() {
    }

    /** Key condition of the history query: every turn of the session. */
    public static Map<String, Condition> sessionCondition(String sessionId) {
        return Map.of("sessionId", Condition.builder().comparisonOperator(ComparisonOperator.EQ)
                .attributeValueList(AttributeValue.fromS(sessionId)).build());
    }

    /** Items of the history query (newest first, possibly null) as turns, oldest first. */
    public static List<ChatTurn> toTurns(List<Map<String, AttributeValue>> items) {
        if (items == null) {
            return List.of();
        }
        List<ChatTurn> turns = new ArrayList<>();
        for (Map<String, AttributeValue> item : items) {
            AttributeValue role = item.get("role");
            AttributeValue content = item.get("content");
            AttributeValue timestamp = item.get("timestamp");
            if (role != null && content != null && timestamp != null) {
                turns.add(new ChatTurn(role.s(), content.s(), Long.parseLong(timestamp.n())));
            }
        }
        turns.sort(Comparator.comparingLong(ChatTurn::timestamp));
        return turns;
    }

    /** The user's message and the answer as two turns; the answer sorts after the question. */
    public static List<ChatTurn> turns(String question, String answer, long nowMillis) {
        return List.of(ChatTurn.user(question, nowMillis), ChatTurn.assistant(answer, nowMillis + 1));
    }

    /** Turns as items, each expiring {@code keepFor} after it was said. */
    public static List<Map<String, AttributeValue>> toItems(String sessionId, List<ChatTurn> turns, Duration keepFor) {
        List<Map<String, AttributeValue>> items = new ArrayList<>(turns.size());
        for (ChatTurn turn : turns) {
            items.add(Map.of("sessionId", AttributeValue.fromS(sessionId),
                    "timestamp", AttributeValue.fromN(String.valueOf(turn.timestamp())),
                    "role", AttributeValue.fromS(turn.role()), "content", AttributeValue.fromS(turn.content()),
                    "expiresAt", AttributeValue.fromN(String.valueOf(turn.timestamp() / 1000 + keepFor.toSeconds()))));
        }
        return items;
    }
}
