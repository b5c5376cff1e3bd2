package mangaassist.chat.intent;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.chat.ChatProperties;
import mangaassist.chat.message.ChatMessage;
import mangaassist.inventory.InventoryItem;
import mangaassist.platform.ClientError;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

/**
 * The steps of the chat's intent routing (routes chat-inventory*), each over the {@link ChatMessage}: ask the
 * fast model when the classifier is unsure, resolve title and volume through the catalog, and turn the
 * inventory flow's answer, or its failure, into the stock facts of the prompt ({@link Stock}). The steps
 * that take an endpoint's answer ({@link #classified}, {@link #resolved}, {@link #stockFacts}) merge it
 * into the message: the routes' enrichers call them.
 */
@Component("chatInventorySteps")
public class ChatInventorySteps {

    private static final String CONTENT_TYPE = "application/json";

    private final IntentModelPrompt prompt = new IntentModelPrompt();
    private final CatalogQuery catalog = new CatalogQuery();
    private final ChatProperties chat;

    public ChatInventorySteps(ChatProperties chat) {
        this.chat = chat;
    }

    /** The classification request for the aws-bedrock endpoint, within its own timeout and the time left. */
    public InvokeModelRequest classifierRequest(ChatMessage message) {
        Duration left = chat.timeBudget().minusNanos(System.nanoTime() - message.startNanos());
        Duration timeout = left.compareTo(chat.inventory().classifyTimeout()) < 0 ? left : chat.inventory().classifyTimeout();
        if (timeout.toMillis() <= 0) {
            throw new IllegalStateException("no time left to classify the question");
        }
        return InvokeModelRequest.builder().modelId(chat.models().fast()).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(prompt.body(message.text()).toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout)).build();
    }

    /** The intent after the model's answer (the first reading when the answer is not usable). */
    public ChatMessage classified(ChatMessage message, JsonNode response) {
        String text = response == null ? null : response.path("content").path(0).path("text").asText(null);
        return message.withIntent(prompt.parse(text, message.intent()));
    }

    /** The catalog search for the question's title and volume. */
    public String catalogQuery(ChatMessage message) {
        return catalog.query(message.intent().catalogTitle(), message.intent().volume());
    }

    /** The best hit's ISBN, or none when the catalog does not list the volume. */
    public ChatMessage resolved(ChatMessage message, HitsMetadata<?> hits) {
        String isbn = hits == null ? null : catalog.isbn(hits.hits().stream().map(Hit::source).toList());
        return message.withStock(message.stock().withIsbn(isbn));
    }

    /** The fact that the catalog does not list the title and volume asked for. */
    public ChatMessage notInCatalog(ChatMessage message) {
        Intent intent = message.intent();
        return message.withStock(message.stock().withFacts(
                List.of(InventoryFacts.notInCatalog(intent.catalogTitle(), intent.volume(), message.language())), false));
    }

    /** The inventory flow's answer (fresh, or stale with its age) as the prompt's fact; a stale one is no live stock. */
    public ChatMessage stockFacts(ChatMessage message, InventoryItem item) {
        return message.withStock(message.stock().withFacts(
                List.of(InventoryFacts.describe(item, message.language())), item.isStale()));
    }

    /**
     * Facts when the lookup failed: an ISBN the ERP does not know says so; anything else (ERP down, breaker open,
     * out of time, catalog unreachable) says stock cannot be checked, so the model never guesses a stock level,
     * and the answer is not cached. A question not yet tied to a title gets no fact.
     */
    public ChatMessage lookupFailed(ChatMessage message, @ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        return message.withStock(message.stock().withFacts(
                failedFacts(failure, message.intent(), message.stock().isbn(), message.language()),
                stockUnavailable(failure)));
    }

    /** The lookup failed for want of the ERP (anything but an ISBN it does not know): no live stock to state. */
    static boolean stockUnavailable(Exception failure) {
        return !(failure instanceof ClientError error && error.httpStatus() == 404);
    }

    static List<String> failedFacts(Exception failure, Intent intent, String isbn, String language) {
        String title = intent.catalogTitle() == null ? null
                : intent.volume() == null ? intent.catalogTitle() : intent.catalogTitle() + " " + intent.volume();
        if (isbn != null && failure instanceof ClientError error && error.httpStatus() == 404) {
            return List.of(InventoryFacts.unknownIsbn(title, isbn, language));
        }
        return title == null && isbn == null ? List.of() : List.of(InventoryFacts.erpUnavailable(title, isbn, language));
    }
}
