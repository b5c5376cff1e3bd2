package mangaassist.chat;

import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.inventory.InventoryFacts;
import mangaassist.inventory.InventoryItem;
import mangaassist.platform.ClientError;
import org.apache.camel.Body;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.opensearch.core.search.HitsMetadata;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;

/**
 * The steps of the chat's intent routing (route chat-inventory), bound to the exchange: ask the fast
 * model when the classifier is unsure, resolve title and volume through the catalog, and turn the
 * inventory flow's answer, or its failure, into the stock facts of the prompt.
 */
@Component("chatInventorySteps")
public class ChatInventorySteps {

    /** The ISBN the catalog resolved the question to. */
    public static final String ISBN = "chatInventoryIsbn";

    private static final String CONTENT_TYPE = "application/json";

    private final IntentModelPrompt prompt = new IntentModelPrompt();
    private final CatalogQuery catalog = new CatalogQuery();
    private final ChatProperties chat;

    public ChatInventorySteps(ChatProperties chat) {
        this.chat = chat;
    }

    public boolean stockQuestion(@ExchangeProperty(ChatSteps.INTENT) Intent intent) {
        return intent.isInventory();
    }

    /** A stock question the classifier could not read for sure: worth asking the fast model. */
    public boolean unsure(@ExchangeProperty(ChatSteps.INTENT) Intent intent) {
        return intent.isInventory() && intent.confidence() == Intent.Confidence.LOW;
    }

    /** The classification request for the aws-bedrock endpoint, within its own timeout and the time left. */
    public InvokeModelRequest classifierRequest(@ExchangeProperty(ChatSteps.REQUEST) ChatRequest request,
                                                @ExchangeProperty(ChatSteps.START) long start) {
        Duration left = chat.timeBudget().minusNanos(System.nanoTime() - start);
        Duration timeout = left.compareTo(chat.inventory().classifyTimeout()) < 0 ? left : chat.inventory().classifyTimeout();
        if (timeout.toMillis() <= 0) {
            throw new IllegalStateException("no time left to classify the question");
        }
        return InvokeModelRequest.builder().modelId(chat.models().fast()).contentType(CONTENT_TYPE).accept(CONTENT_TYPE)
                .body(SdkBytes.fromUtf8String(prompt.body(request.message()).toString()))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout)).build();
    }

    /** The intent after the model's answer (the first reading when the answer is not usable). */
    public Intent classified(@Body JsonNode response, @ExchangeProperty(ChatSteps.INTENT) Intent first) {
        return prompt.parse(response == null ? null : response.path("content").path(0).path("text").asText(null), first);
    }

    /** Title and volume known: the catalog can tell the ISBN. */
    public boolean resolvable(@ExchangeProperty(ChatSteps.INTENT) Intent intent) {
        return intent.isInventory() && intent.catalogTitle() != null && intent.volume() != null;
    }

    public String catalogQuery(@ExchangeProperty(ChatSteps.INTENT) Intent intent) {
        return catalog.query(intent.catalogTitle(), intent.volume());
    }

    /** The best hit's ISBN, or null. */
    public String isbn(@Body HitsMetadata<?> hits) {
        return hits == null ? null : catalog.isbn(hits.hits().stream().map(Hit::source).toList());
    }

    public List<String> notInCatalog(@ExchangeProperty(ChatSteps.INTENT) Intent intent,
                                     @ExchangeProperty("language") String language) {
        return List.of(InventoryFacts.notInCatalog(intent.catalogTitle(), intent.volume(), language));
    }

    /** The inventory flow's answer (fresh, or stale with its age) as the prompt's fact. */
    public List<String> stockFacts(@Body InventoryItem item, @ExchangeProperty("language") String language) {
        return List.of(InventoryFacts.describe(item, language));
    }

    /** The lookup failed for want of the ERP (anything but an ISBN it does not know): no live stock to state. */
    public boolean stockUnavailable(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure) {
        return !(failure instanceof ClientError error && error.httpStatus() == 404);
    }

    /**
     * Facts when the lookup failed: an ISBN the ERP does not know says so; anything else (ERP down,
     * breaker open, out of time, catalog unreachable) says stock cannot be checked, so the model never
     * guesses a stock level. A question not yet tied to a title gets no fact.
     */
    public List<String> lookupFailed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
                                     @ExchangeProperty(ChatSteps.INTENT) Intent intent,
                                     @ExchangeProperty(ISBN) String isbn, @ExchangeProperty("language") String language) {
        String title = intent.catalogTitle() == null ? null
                : intent.volume() == null ? intent.catalogTitle() : intent.catalogTitle() + " " + intent.volume();
        if (isbn != null && failure instanceof ClientError error && error.httpStatus() == 404) {
            return List.of(InventoryFacts.unknownIsbn(title, isbn, language));
        }
        return title == null && isbn == null ? List.of() : List.of(InventoryFacts.erpUnavailable(title, isbn, language));
    }
}
