package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import javax.xml.namespace.QName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import mangaassist.inventory.erp.ErpContract;
import mangaassist.inventory.erp.generated.StockItem;
import mangaassist.support.RouteTestSupport;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.SoapFault;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoBean;

/**
 * The inventory routes with the ERP (the CXF endpoint) replaced by a mock and the Redis cache by a Mockito mock
 * that always misses: what a lookup asks of the ERP, what the anti-corruption layer makes of its answer, and which
 * failures are retried. The simulator-backed behaviour (Shift_JIS, rate limit, breaker timing) is InventoryFlowTest's.
 */
@TestPropertySource(properties = {
        // the inventory routes alone: the chat's would check their backends (DynamoDB, ...) as they start
        "camel.main.java-routes-exclude-pattern=routes/ChatRoutes*",
        // of the YAML routes only the shared error handling: the flows' aws2-sqs and aws2-s3 endpoints look their queues
        // and buckets up as they are created, and the metrics routes poll SQS
        "camel.main.routes-include-pattern=classpath:camel/error-handling.camel.yaml",
        // no Redis here: the ERP budget in this instance's memory (the shared one: SharedErpRateLimiterTest, flow tests)
        "mangaassist.inventory.erp.budget.shared=false",
        "mangaassist.inventory.erp.retry-delay=10ms"})
class InventoryRouteTest extends RouteTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ONE_PIECE_42 = "9784088725420";

    @MockitoBean
    InventoryCache cache;
    @Autowired
    CircuitBreaker erpCircuitBreaker;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    MockEndpoint erp;

    @Override
    protected void advise(CamelContext context) throws Exception {
        AdviceWith.adviceWith(context, "inventory-erp-call",
                a -> a.weaveByToUri("cxf:*").replace().to("mock:erp"));
    }

    @BeforeEach
    void erp() {
        erp = camelContext.getEndpoint("mock:erp", MockEndpoint.class);
        erpCircuitBreaker.reset();
    }

    @Test
    void aLookupIsOneBatchCallAndTheErpsItemComesBackClean() throws Exception {
        erp.whenAnyExchangeReceived(e -> answer(e, InventoryAclTest.stock(ONE_PIECE_42)));

        JsonNode item = get(ONE_PIECE_42);

        assertThat(item.path("title").asText()).isEqualTo("ワンピース 42");
        assertThat(item.path("quantityAvailable").asInt()).isEqualTo(87);
        assertThat(item.path("stockStatus").asText()).isEqualTo("low_stock");
        assertThat(item.path("priceJpy").asInt()).isEqualTo(528);
        Exchange sent = erp.getReceivedExchanges().get(0);
        assertThat(sent.getMessage().getHeader(CxfConstants.OPERATION_NAME)).isEqualTo(ErpContract.OP_GET_BATCH_STOCK_LEVELS);
        assertThat(sent.getMessage().getBody(List.class)).containsExactly(List.of(ONE_PIECE_42), "TK01");
    }

    @Test
    void anIsbn10IsAskedOfTheErpAsItsIsbn13AndAHyphenatedEchoStillMatches() throws Exception {
        erp.whenAnyExchangeReceived(e -> answer(e, InventoryAclTest.stock("978-4-08-872542-0")));

        JsonNode item = get("4-08-872542-5");

        assertThat(item.path("isbn").asText()).isEqualTo(ONE_PIECE_42);
        assertThat(erp.getReceivedExchanges().get(0).getMessage().getBody(List.class).get(0)).isEqualTo(List.of(ONE_PIECE_42));
    }

    @Test
    void anItemWithoutAnIsbnOrAQuantityIsABadResponseNotAnInternalErrorOrZeroInStock() throws Exception {
        erp.whenAnyExchangeReceived(e -> answer(e, InventoryAclTest.stock(null)));
        Exchange noIsbn = lookup(ONE_PIECE_42);
        assertThat(noIsbn.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(502);
        assertThat(JSON.readTree(noIsbn.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("ERP_BAD_RESPONSE");
        assertThat(erp.getReceivedCounter()).as("an unreadable answer is not retried").isEqualTo(1);

        StockItem noQuantity = InventoryAclTest.stock(ONE_PIECE_42);
        noQuantity.setQuantity(null);
        erp.whenAnyExchangeReceived(e -> answer(e, noQuantity));
        Exchange answered = lookup(ONE_PIECE_42);
        assertThat(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(502);
        assertThat(JSON.readTree(answered.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("ERP_BAD_RESPONSE");
    }

    @Test
    void aServerFaultIsRetriedThreeTimesAClientFaultNever() throws Exception {
        erp.whenAnyExchangeReceived(e -> {
            throw new SoapFault("システムエラー: ERP internal error", new QName(Soap11.SOAP_NAMESPACE, "Server"));
        });
        Exchange overloaded = lookup(ONE_PIECE_42);
        assertThat(overloaded.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(502);
        assertThat(JSON.readTree(overloaded.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("ERP_FAULT");
        assertThat(erp.getReceivedCounter()).as("one call and three retries").isEqualTo(4);

        MockEndpoint.resetMocks(camelContext);
        erp.whenAnyExchangeReceived(e -> {
            throw new SoapFault("認証エラー: invalid or missing AuthToken", new QName(Soap11.SOAP_NAMESPACE, "Client"));
        });
        Exchange refused = lookup(ONE_PIECE_42);
        assertThat(JSON.readTree(refused.getMessage().getBody(String.class)).path("code").asText()).isEqualTo("ERP_FAULT");
        assertThat(erp.getReceivedCounter()).as("the same request would be refused again").isEqualTo(1);
    }

    @Test
    void aCallRefusedForTheErpsRateGoesAgainOnTheNextPermitWithoutUsingAFailureRetry() throws Exception {
        // six refusals, then the answer: more than the three failure retries would allow
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        erp.whenAnyExchangeReceived(e -> {
            if (calls.incrementAndGet() <= 5) {
                throw new SoapFault("Rate limit exceeded: max 50 requests per second", new QName(Soap11.SOAP_NAMESPACE, "Server"));
            }
            answer(e, InventoryAclTest.stock(ONE_PIECE_42));
        });
        double refused = meters.get("mangaassist.inventory.erp.refused").counter().count();

        assertThat(get(ONE_PIECE_42).path("isbn").asText()).isEqualTo(ONE_PIECE_42);
        assertThat(erp.getReceivedCounter()).as("five refused calls and the answered one").isEqualTo(6);
        assertThat(meters.get("mangaassist.inventory.erp.refused").counter().count() - refused).isEqualTo(5);
        assertThat(erpCircuitBreaker.getMetrics().getNumberOfFailedCalls()).as("refusals are no failure of the ERP").isZero();
    }

    /** What CXF hands back for GetBatchStockLevels: the operation's one output part, the list of items. */
    private static void answer(Exchange exchange, StockItem... items) {
        exchange.getMessage().setBody(List.of(List.of(items)));
    }

    private JsonNode get(String isbn) throws Exception {
        Exchange answered = lookup(isbn);
        String body = answered.getMessage().getBody(String.class);
        assertThat(answered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 200, Integer.class)).as(body).isEqualTo(200);
        return JSON.readTree(body);
    }

    /** The answer, its JSON body read into a String once (it is a stream). */
    private Exchange lookup(String isbn) {
        Exchange answered = template.request("direct:inventory-get", e -> e.getMessage().setHeader("isbn", isbn));
        answered.getMessage().setBody(answered.getMessage().getBody(String.class));
        return answered;
    }
}
