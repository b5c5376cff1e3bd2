package mangaassist.inventory.erp;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the legacy inventory ERP client, meant to be bound from {@code mangaassist.inventory.erp.*}.
 *
 * @param endpointUrl      SOAP endpoint, e.g. {@code https://erp.manga-store.co.jp/soap/inventory}
 * @param authToken        value of the {@code inv:AuthToken} SOAP header; never logged (see {@link #toString()})
 * @param responseCodepage charset used for responses labelled Shift_JIS or carrying no charset. The ERP
 *                         writes CP932 bytes, so the default {@code Windows-31J} is what makes ①, 髙, ～ decode
 * @param connectTimeout   TCP connect timeout
 * @param receiveTimeout   time allowed for the whole response once the request is sent
 */
public record ErpClientSettings(String endpointUrl, String authToken, String responseCodepage,
                                Duration connectTimeout, Duration receiveTimeout) {

    public static final String DEFAULT_CODEPAGE = "Windows-31J";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public ErpClientSettings {
        Objects.requireNonNull(endpointUrl, "endpointUrl");
        Objects.requireNonNull(authToken, "authToken");
        responseCodepage = responseCodepage == null || responseCodepage.isBlank() ? DEFAULT_CODEPAGE : responseCodepage;
        connectTimeout = connectTimeout == null ? DEFAULT_TIMEOUT : connectTimeout;
        receiveTimeout = receiveTimeout == null ? DEFAULT_TIMEOUT : receiveTimeout;
        // Fail at startup, not on the first customer question, if the codepage is misspelt.
        java.nio.charset.Charset.forName(responseCodepage);
    }

    /** Defaults for everything but the URL and the token. */
    public static ErpClientSettings of(String endpointUrl, String authToken) {
        return new ErpClientSettings(endpointUrl, authToken, null, null, null);
    }

    public ErpClientSettings withTimeouts(Duration connect, Duration receive) {
        return new ErpClientSettings(endpointUrl, authToken, responseCodepage, connect, receive);
    }

    public ErpClientSettings withCodepage(String codepage) {
        return new ErpClientSettings(endpointUrl, authToken, codepage, connectTimeout, receiveTimeout);
    }

    /** The token is a credential: the generated record toString would print it. */
    @Override
    public String toString() {
        return "ErpClientSettings[endpointUrl=" + endpointUrl + ", authToken=****, responseCodepage="
                + responseCodepage + ", connectTimeout=" + connectTimeout + ", receiveTimeout=" + receiveTimeout + "]";
    }
}
