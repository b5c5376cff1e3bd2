package mangaassist.inventory.erp;

import java.util.List;

import mangaassist.inventory.erp.generated.StockItem;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.cxf.common.message.CxfConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.cxf.message.MessageContentsList;

/** A minimal Camel context calling {@code cxf:bean:erpInventory} built by the production factory. */
final class ErpTestClient implements AutoCloseable {

    static final String URI = "cxf:bean:" + ErpCxfClientFactory.BEAN_NAME;

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final ProducerTemplate producer;

    ErpTestClient(ErpClientSettings settings) {
        new ErpCxfClientFactory(settings).register(camel, ErpCxfClientFactory.BEAN_NAME);
        camel.start();
        producer = camel.createProducerTemplate();
    }

    StockItem getStockLevel(String isbn, String warehouse) throws Exception {
        Object result = call(ErpContract.OP_GET_STOCK_LEVEL, List.of(isbn, warehouse));
        return (StockItem) result;
    }

    @SuppressWarnings("unchecked")
    List<StockItem> getBatchStockLevels(List<String> isbns, String warehouse) throws Exception {
        return (List<StockItem>) call(ErpContract.OP_GET_BATCH_STOCK_LEVELS, java.util.Arrays.asList(isbns, warehouse));
    }

    /** Returns the operation's return value, or throws the exchange's exception as the route would see it. */
    Object call(String operation, List<?> params) throws Exception {
        Exchange exchange = producer.request(URI, e -> {
            e.getIn().setHeader(CxfConstants.OPERATION_NAME, operation);
            e.getIn().setBody(params);
        });
        if (exchange.getException() != null) {
            throw exchange.getException();
        }
        Object body = exchange.getMessage().getBody();
        if (body instanceof MessageContentsList list) {
            return list.isEmpty() ? null : list.get(0);
        }
        return body;
    }

    @Override
    public void close() {
        camel.stop();
    }
}
