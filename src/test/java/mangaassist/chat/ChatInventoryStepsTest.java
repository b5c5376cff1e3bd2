package mangaassist.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.platform.ApiException;
import org.apache.camel.ExchangeTimedOutException;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

class ChatInventoryStepsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";

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
        assertThat(steps.unsure(unsure)).isTrue();
        assertThat(steps.unsure(sure)).isFalse();
        assertThat(steps.unsure(Intent.general())).isFalse();
        assertThat(steps.resolvable(sure)).isTrue();
        assertThat(steps.resolvable(new Intent(Intent.Type.INVENTORY, Intent.Confidence.LOW, "One Piece", null))).isFalse();
        assertThat(steps.resolvable(noTitle)).isFalse();
        assertThat(steps.catalogQuery(sure)).contains("ワンピース").contains("\"42\"");
    }

    @Test
    void theClassifierRequestGoesToTheFastModelWithinTheTimeLeft() throws Exception {
        ChatRequest request = new ChatMessageParser(4000).parse(
                "{\"data\":{\"sessionId\":\"s-1\",\"message\":\"One Piece 42 in stock?\"}}");
        InvokeModelRequest call = steps.classifierRequest(request, System.nanoTime());
        assertThat(call.modelId()).isEqualTo(HAIKU);
        assertThat(call.overrideConfiguration().orElseThrow().apiCallTimeout()).contains(Duration.ofMillis(800));
        assertThat(JSON.readTree(call.body().asUtf8String()).path("system").asText()).contains("intent classifier");
        long spentTheBudget = System.nanoTime() - Duration.ofSeconds(4).toNanos();
        assertThatIllegalStateException().isThrownBy(() -> steps.classifierRequest(request, spentTheBudget));
    }

    @Test
    void theModelsAnswerIsReadFromTheClaudeResponse() {
        ObjectNode response = JSON.createObjectNode();
        response.putArray("content").addObject().put("type", "text")
                .put("text", "{\"intent\":\"inventory_check\",\"title\":\"ワンピース\",\"volume\":42}");
        assertThat(steps.classified(response, unsure)).isEqualTo(
                new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 42));
        assertThat(steps.classified(null, unsure)).isSameAs(unsure);
    }

    @Test
    void failedLookupsBecomeFactsThatSayWhy() {
        String isbn = "9784088725420";
        assertThat(steps.lookupFailed(new ApiException("INVENTORY_NOT_FOUND", 404, "no"), sure, isbn, "ja"))
                .containsExactly("title=ワンピース 42 | isbn=" + isbn + " | note=該当する商品が見つかりません");
        assertThat(steps.lookupFailed(new ApiException("ERP_UNAVAILABLE", 503, "down"), sure, isbn, "en"))
                .containsExactly("title=ワンピース 42 | isbn=" + isbn
                        + " | note=stock cannot be checked right now (inventory system unavailable)");
        assertThat(steps.lookupFailed(new ExchangeTimedOutException(null, 1200), sure, isbn, "ja")).singleElement()
                .asString().contains("在庫システムに接続できないため");
        // the catalog was not reached: the title alone is said to be uncheckable
        assertThat(steps.lookupFailed(new IllegalStateException("opensearch down"), sure, null, "en")).singleElement()
                .asString().startsWith("title=ワンピース 42 | note=stock cannot be checked");
        assertThat(steps.lookupFailed(new IllegalStateException("model down"), noTitle, null, "en")).isEmpty();
    }

    @Test
    void onlyAnIsbnTheErpDoesNotKnowIsALookupFailureWithLiveStockKnown() {
        assertThat(steps.stockUnavailable(new ApiException("INVENTORY_NOT_FOUND", 404, "no"))).isFalse();
        assertThat(steps.stockUnavailable(new ApiException("ERP_UNAVAILABLE", 503, "down"))).isTrue();
        assertThat(steps.stockUnavailable(new ExchangeTimedOutException(null, 1200))).isTrue();
        assertThat(steps.stockUnavailable(new IllegalStateException("opensearch down"))).isTrue();
    }

    @Test
    void aVolumeMissingFromTheCatalogIsOneFact() {
        assertThat(steps.notInCatalog(new Intent(Intent.Type.INVENTORY, Intent.Confidence.HIGH, "ワンピース", 150), "ja"))
                .isEqualTo(List.of("title=ワンピース 150 | note=当店のカタログに該当する商品が見つかりません"));
    }
}
