package mangaassist.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;

import javax.xml.namespace.QName;

import mangaassist.inventory.erp.ErpBadResponseException;
import mangaassist.inventory.erp.ErpErrorClassifier;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.SoapFault;
import org.junit.jupiter.api.Test;

class InventoryStepsTest {

    final InventorySteps steps = new InventorySteps(new InventoryProperties("TK01", Duration.ofSeconds(300),
            Duration.ofHours(24), Duration.ofSeconds(30), 200, new InventoryProperties.Coalescing(20, Duration.ofMillis(25)),
            InventoryPropertiesTest.erp("http://erp/soap/inventory", null)));

    @Test
    void aStrugglingErpIsRetriedUpToTheRetriesSetting() {
        SoapFault overloaded = new SoapFault("Internal error, try again", new QName(Soap11.SOAP_NAMESPACE, "Server"));
        assertThat(steps.retryable(failed(translated(overloaded), 1))).isTrue();
        assertThat(steps.retryable(failed(translated(new ConnectException("refused")), 3))).isTrue();
        assertThat(steps.retryable(failed(translated(overloaded), 4))).as("3 retries done").isFalse();
    }

    @Test
    void aFaultThatBlamesTheRequestIsNotRetried() {
        SoapFault refusedToken = new SoapFault("認証エラー: invalid or missing AuthToken", new QName(Soap11.SOAP_NAMESPACE, "Client"));
        assertThat(steps.retryable(failed(translated(refusedToken), 1))).isFalse();
    }

    @Test
    void onlyTranslatedErpFailuresAreRetriedAndCamelMayWrapThem() {
        Exception unavailable = translated(new ConnectException("refused"));
        assertThat(steps.retryable(failed(new org.apache.camel.RuntimeCamelException(unavailable), 1))).isTrue();
        assertThat(steps.retryable(failed(new IllegalStateException("a bug of ours"), 1))).isFalse();
        assertThat(steps.retryable(failed(new ErpBadResponseException("no ISBN"), 1))).as("an unreadable answer").isFalse();
    }

    static Exception translated(Exception failure) {
        return ErpErrorClassifier.translate(failure);
    }

    static Exchange failed(Exception failure, int redelivery) {
        Exchange exchange = new DefaultExchange(new DefaultCamelContext());
        exchange.setException(failure);
        exchange.getMessage().setHeader(Exchange.REDELIVERY_COUNTER, redelivery);
        return exchange;
    }
}
