package mangaassist.chat.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.message.ChatRequest;
import mangaassist.inventory.InventoryItem;
import mangaassist.inventory.StockStatus;
import mangaassist.platform.ApiException;
import org.apache.camel.ExchangeTimedOutException;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;

import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

/** The steps of a stock question, each over a ChatMessage, without Camel. */
class ChatInventoryStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String ISBN = "9784088725420";

    private final ChatInventorySteps steps = new ChatInventorySteps(new ChatProperties(null, 4000, Duration.ofSeconds(300),
            10, "sessions", Duration.ofDays(30), Duration.ofHours(1), Duration.ofSeconds(3), Duration.ofMillis(500), null, Duration.ofMillis(500),
            new ChatProperties.Models(HAIKU, "sonnet", 50), 1024, 0.3,
            new ChatProperties.Inventory("manga-catalog", Duration.ofMillis(800), Duration.ofMillis(1200), 8,
                    Duration.ofSeconds(300))));

    private final Intent sure = new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "One Piece", 42);
    private final Intent unsure = new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, "One Piece", 42);
    private final Intent noTitle = new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, null, null);

    @Test
    void onlyUnsureStockQuestionsGoToTheModelAndOnlyCompleteOnesToTheCatalog() {
        assertThat(unsure.isUnsure()).isTrue();
        assertThat(sure.isUnsure()).isFalse();
        assertThat(Intent.general().isUnsure()).isFalse();
        assertThat(sure.isResolvable()).isTrue();
        assertThat(new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, "One Piece", null).isResolvable()).isFalse();
        assertThat(noTitle.isResolvable()).isFalse();
        assertThat(steps.catalogQuery(message("ja", System.nanoTime()).withIntent(sure))).contains("ワンピース").contains("\"42\"");
    }

    @Test
    void theClassifierRequestGoesToTheFastModelWithinTheTimeLeft() throws Exception {
        InvokeModelRequest call = steps.classifierRequest(message("en", System.nanoTime()));
        assertThat(call.modelId()).isEqualTo(HAIKU);
        assertThat(call.overrideConfiguration().orElseThrow().apiCallTimeout()).contains(Duration.ofMillis(800));
        assertThat(JSON.readTree(call.body().asUtf8String()).path("system").asText()).contains("intent classifier");
        long spentTheBudget = System.nanoTime() - Duration.ofSeconds(4).toNanos();
        assertThatIllegalStateException().isThrownBy(() -> steps.classifierRequest(message("en", spentTheBudget)));
    }

    @Test
    void theModelsAnswerIsReadFromTheClaudeResponse() {
        ObjectNode response = JSON.createObjectNode();
        response.putArray("content").addObject().put("type", "text")
                .put("text", "{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":42}");
        ChatMessage asked = message("ja", System.nanoTime()).withIntent(unsure);
        assertThat(steps.classified(asked, response).intent()).isEqualTo(
                new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 42));
        assertThat(steps.classified(asked, null).intent()).isSameAs(unsure);
    }

    @Test
    void theCatalogsBestHitIsTheIsbnAndNoHitNone() {
        ChatMessage asked = message("ja", System.nanoTime()).withIntent(sure);
        HitsMetadata<Object> hits = new HitsMetadata.Builder<Object>().hits(List.of(new Hit.Builder<Object>()
                .index("manga-catalog").id(ISBN).source(Map.of("isbn", ISBN, "title", "ワンピース 42")).build())).build();
        assertThat(steps.resolved(asked, hits).stock().isbn()).isEqualTo(ISBN);
        assertThat(steps.resolved(asked, new HitsMetadata.Builder<Object>().hits(List.of()).build()).stock().isbn()).isNull();
        assertThat(steps.resolved(asked, null).stock().isbn()).isNull();
    }

    @Test
    void theInventoryAnswerIsTheFactAndOnlyAStaleOneIsNoLiveStock() {
        ChatMessage resolved = message("ja", System.nanoTime()).withIntent(sure).withStock(Stock.NONE.withIsbn(ISBN));
        InventoryItem fresh = new InventoryItem(ISBN, "ワンピース 42", 87, "TK01", StockStatus.IN_STOCK, "2025-10-15", 528, null);
        ChatMessage told = steps.stockFacts(resolved, fresh);
        assertThat(told.facts()).containsExactly("title=ワンピース 42 | isbn=" + ISBN + " | stock=in_stock | quantity=87 | price=528");
        assertThat(told.isCacheable()).isTrue();
        ChatMessage stale = steps.stockFacts(resolved, fresh.asStale(600));
        assertThat(stale.facts()).singleElement().asString().contains("note=在庫システムに接続できないため");
        assertThat(stale.isCacheable()).isFalse();
    }

    @Test
    void failedLookupsBecomeFactsThatSayWhy() {
        assertThat(failed(sure, ISBN, "ja", new ApiException("INVENTORY_NOT_FOUND", 404, "no")).facts())
                .containsExactly("title=ワンピース 42 | isbn=" + ISBN + " | note=該当する商品が見つかりません");
        assertThat(failed(sure, ISBN, "en", new ApiException("ERP_UNAVAILABLE", 503, "down")).facts())
                .containsExactly("title=ワンピース 42 | isbn=" + ISBN
                        + " | note=stock cannot be checked right now (inventory system unavailable)");
        assertThat(failed(sure, ISBN, "ja", new ExchangeTimedOutException(null, 1200)).facts()).singleElement()
                .asString().contains("在庫システムに接続できないため");
        // the catalog was not reached: the title alone is said to be uncheckable
        assertThat(failed(sure, null, "en", new IllegalStateException("opensearch down")).facts()).singleElement()
                .asString().startsWith("title=ワンピース 42 | note=stock cannot be checked");
        assertThat(failed(noTitle, null, "en", new IllegalStateException("model down")).facts()).isEmpty();
    }

    @Test
    void onlyAnIsbnTheErpDoesNotKnowIsALookupFailureWithLiveStockKnown() {
        assertThat(failed(sure, ISBN, "ja", new ApiException("INVENTORY_NOT_FOUND", 404, "no")).isCacheable()).isTrue();
        assertThat(failed(sure, ISBN, "ja", new ApiException("ERP_UNAVAILABLE", 503, "down")).isCacheable()).isFalse();
        assertThat(failed(sure, ISBN, "ja", new ExchangeTimedOutException(null, 1200)).isCacheable()).isFalse();
        assertThat(failed(sure, null, "ja", new IllegalStateException("opensearch down")).isCacheable()).isFalse();
    }

    @Test
    void aVolumeMissingFromTheCatalogIsOneFact() {
        ChatMessage asked = message("ja", System.nanoTime())
                .withIntent(new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 150));
        ChatMessage notListed = steps.notInCatalog(asked);
        assertThat(notListed.facts()).isEqualTo(List.of("title=ワンピース 150 | note=当店のカタログに該当する商品が見つかりません"));
        assertThat(notListed.isCacheable()).isTrue();
    }

    private ChatMessage failed(Intent intent, String isbn, String language, Exception failure) {
        ChatMessage asked = message(language, System.nanoTime()).withIntent(intent).withStock(Stock.NONE.withIsbn(isbn));
        return steps.lookupFailed(asked, failure);
    }

    private static ChatMessage message(String language, long startNanos) {
        ChatRequest request = new ChatMessageParser(4000).parse(
                "{\"data\":{\"sessionId\":\"s-1\",\"message\":\"One Piece 42 in stock?\"}}");
        return ChatMessage.received(request, language, "chat:{s-1}:key", null, startNanos);
    }
}
