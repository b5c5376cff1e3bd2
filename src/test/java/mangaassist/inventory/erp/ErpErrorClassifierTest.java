package mangaassist.inventory.erp;

import mangaassist.inventory.StockStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.net.http.HttpTimeoutException;

import javax.xml.namespace.QName;

import org.apache.cxf.binding.soap.Soap11;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.interceptor.Fault;
import org.junit.jupiter.api.Test;

class ErpErrorClassifierTest {

    @Test
    void codesForTheApi() {
        assertThat(ErpError.ERP_FAULT.code()).isEqualTo("ERP_FAULT");
        assertThat(ErpError.BAD_RESPONSE.httpStatus()).isEqualTo(502);
        assertThat(ErpError.TIMEOUT.code()).isEqualTo("ERP_UNAVAILABLE");
        assertThat(ErpError.UNAVAILABLE.httpStatus()).isEqualTo(503);
    }

    @Test
    void wrappedCausesAreFound() {
        assertThat(ErpErrorClassifier.classify(new Fault(new ConnectException("refused")))).isEqualTo(ErpError.UNAVAILABLE);
        assertThat(ErpErrorClassifier.classify(new RuntimeException(new HttpTimeoutException("t")))).isEqualTo(ErpError.TIMEOUT);
        assertThat(ErpErrorClassifier.classify(new IllegalStateException("bug"))).isEqualTo(ErpError.UNKNOWN);
        assertThat(ErpErrorClassifier.classify(null)).isEqualTo(ErpError.UNKNOWN);
    }

    @Test
    void onlyAFaultThatBlamesTheRequestIsAClientFault() {
        SoapFault client = new SoapFault("認証エラー", new QName(Soap11.SOAP_NAMESPACE, "Client"));
        SoapFault server = new SoapFault("Rate limit exceeded", new QName(Soap11.SOAP_NAMESPACE, "Server"));
        assertThat(ErpErrorClassifier.isClientFault(new Fault(client))).isTrue();
        assertThat(ErpErrorClassifier.isClientFault(server)).isFalse();
        assertThat(ErpErrorClassifier.isClientFault(new ConnectException("refused"))).isFalse();
        assertThat(ErpErrorClassifier.classify(client)).isEqualTo(ErpError.ERP_FAULT);
    }

    @Test
    void aFailedCallIsTranslatedOnceIntoTheTypeTheRoutesActOn() {
        SoapFault client = new SoapFault("認証エラー", new QName(Soap11.SOAP_NAMESPACE, "Client"));
        SoapFault server = new SoapFault("Internal error", new QName(Soap11.SOAP_NAMESPACE, "Server"));

        assertThat(ErpErrorClassifier.translate(new Fault(new ConnectException("refused"))))
                .isInstanceOfSatisfying(ErpUnavailableException.class, e -> assertThat(e.code()).isEqualTo("ERP_UNAVAILABLE"));
        assertThat(ErpErrorClassifier.translate(new RuntimeException(new HttpTimeoutException("t"))))
                .isInstanceOfSatisfying(ErpUnavailableException.class, e -> assertThat(e.error()).isEqualTo(ErpError.TIMEOUT));
        assertThat(ErpErrorClassifier.translate(server)).isInstanceOfSatisfying(ErpFaultException.class, e -> {
            assertThat(e.retryable()).isTrue();
            assertThat(e.httpStatus()).isEqualTo(502);
            assertThat(e.getCause()).as("what CXF threw, for the log").isSameAs(server);
        });
        assertThat(ErpErrorClassifier.translate(new Fault(client)))
                .isInstanceOfSatisfying(ErpFaultException.class, e -> assertThat(e.retryable()).as("blames the request").isFalse());
        assertThat(ErpErrorClassifier.translate(new Fault(new javax.xml.stream.XMLStreamException("EOF"))))
                .isInstanceOf(ErpBadResponseException.class);
        assertThat(ErpErrorClassifier.translate(new Fault(new UnencodableCharacterException(0x1F600, "Shift_JIS"))))
                .isInstanceOfSatisfying(ErpRequestRejectedException.class, e -> assertThat(e.httpStatus()).isEqualTo(400));

        IllegalStateException bug = new IllegalStateException("bug");
        assertThat(ErpErrorClassifier.translate(bug)).as("unclassified: as it is").isSameAs(bug);
        ErpBadResponseException found = new ErpBadResponseException("no ISBN");
        assertThat(ErpErrorClassifier.translate(new Fault(found))).as("already translated where it was found").isSameAs(found);
    }

    @Test
    void statusCodesMapWithUnknownAsUnknown() {
        assertThat(StockStatus.fromCode("01")).isEqualTo(StockStatus.IN_STOCK);
        assertThat(StockStatus.fromCode(" 03 ")).isEqualTo(StockStatus.OUT_OF_STOCK);
        assertThat(StockStatus.fromCode("99")).isEqualTo(StockStatus.UNKNOWN);
        assertThat(StockStatus.fromCode(null)).isEqualTo(StockStatus.UNKNOWN);
    }
}
