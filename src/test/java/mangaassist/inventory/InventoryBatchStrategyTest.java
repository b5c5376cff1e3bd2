package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class InventoryBatchStrategyTest {

    final CamelContext camel = new DefaultCamelContext();
    final InventoryBatchStrategy strategy = new InventoryBatchStrategy();

    Exchange lookup(String isbn) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(InventorySteps.ISBN, isbn);
        exchange.getMessage().setHeader("Authorization", "Bearer secret");
        exchange.setProperty("somethingOfTheRequest", "x");
        return exchange;
    }

    @Test
    void aBatchHoldsEachIsbnOnceInArrivalOrderOnAnExchangeOfItsOwn() {
        Exchange first = lookup("9784088725093");
        Exchange batch = strategy.aggregate(null, first);
        batch = strategy.aggregate(batch, lookup("9784063842760"));
        batch = strategy.aggregate(batch, lookup("9784088725093"));

        assertThat(batch).isNotSameAs(first);
        assertThat(batch.getMessage().getBody(Set.class)).containsExactly("9784088725093", "9784063842760");
        // nothing of the lookup that opened it travels into the ERP call
        assertThat(batch.getMessage().getHeaders()).isEmpty();
        assertThat(batch.getProperty("somethingOfTheRequest")).isNull();
    }
}
