package mangaassist.chat.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import mangaassist.chat.ChatProperties;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.mockito.Mockito;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The answer's two turns in one BatchWriteItem; what DynamoDB leaves unprocessed fails the write (to be retried). */
class ChatSessionWriterTest {

    private final DynamoDbClient dynamoDb = mock(DynamoDbClient.class);
    private final ChatSessionWriter writer = new ChatSessionWriter(dynamoDb, new ChatProperties(null, 4000,
            Duration.ofSeconds(300), 10, "sessions", Duration.ofDays(30), Duration.ofHours(1), Duration.ofSeconds(3),
            Duration.ofMillis(500), null, Duration.ofMillis(500), null, 1024, 0.3, null));
    private final List<ChatTurn> turns = ChatSessions.turns("質問", "回答", 1_700_000_000_000L);

    @Test
    @SuppressWarnings("unchecked")
    void bothTurnsGoInOneRequestAsTheSessionItems() {
        when(dynamoDb.batchWriteItem(any(Consumer.class))).thenReturn(BatchWriteItemResponse.builder().build());

        writer.write("s-1", turns);

        ArgumentCaptor<Consumer<BatchWriteItemRequest.Builder>> sent = ArgumentCaptor.forClass(Consumer.class);
        Mockito.verify(dynamoDb).batchWriteItem(sent.capture());
        BatchWriteItemRequest.Builder builder = BatchWriteItemRequest.builder();
        sent.getValue().accept(builder);
        assertThat(builder.build().requestItems().get("sessions")).extracting(w -> w.putRequest().item())
                .containsExactlyElementsOf(ChatSessions.toItems("s-1", turns, Duration.ofDays(30)));
    }

    @Test
    @SuppressWarnings("unchecked")
    void itemsLeftUnprocessedFailTheWrite() {
        WriteRequest left = WriteRequest.builder().build();
        when(dynamoDb.batchWriteItem(any(Consumer.class)))
                .thenReturn(BatchWriteItemResponse.builder().unprocessedItems(Map.of("sessions", List.of(left))).build());

        assertThatThrownBy(() -> writer.write("s-1", turns)).hasMessageContaining("1 of 2 session items left unprocessed");
    }
}
