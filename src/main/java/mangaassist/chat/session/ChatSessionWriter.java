package mangaassist.chat.session;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Writes an answer's two turns to the sessions table in one BatchWriteItem: the aws2-ddb component has
 * no such operation, and two PutItems cost twice the requests (and, on the embedded stack, twice the
 * CPU of DynamoDB Local, which shares the cores with the answers).
 *
 * <p>Items DynamoDB leaves unprocessed (throttling) fail the write, so that the route's redelivery
 * writes the batch again; writing an item twice stores it once.
 */
@Component("chatSessionWriter")
public class ChatSessionWriter {

    private final DynamoDbClient dynamoDb;
    private final String table;
    private final Duration keepFor;

    @Autowired
    public ChatSessionWriter(DynamoDbClient dynamoDb, ChatProperties chat) {
        this.dynamoDb = dynamoDb;
        this.table = chat.sessionsTable();
        this.keepFor = chat.sessionTtl();
    }

    /** The message's question and answer ({@link ChatMessage#newTurns()}) as two items of its session. */
    public void write(ChatMessage message) {
        write(message.sessionId(), message.newTurns());
    }

    void write(String sessionId, List<ChatTurn> turns) {
        List<WriteRequest> puts = ChatSessions.toItems(sessionId, turns, keepFor).stream()
                .map(item -> WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build())
                .toList();
        BatchWriteItemResponse response = dynamoDb.batchWriteItem(b -> b.requestItems(Map.of(table, puts)));
        Map<String, List<WriteRequest>> unprocessed = response.unprocessedItems();
        if (unprocessed != null && !unprocessed.getOrDefault(table, List.of()).isEmpty()) {
            throw new IllegalStateException(unprocessed.get(table).size() + " of " + puts.size()
                    + " session items left unprocessed by DynamoDB (throttled); the write is retried");
        }
    }
}
