package mangaassist.support;

import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpHeaders;

/**
 * The embedded profile's development API key (application.yaml, mangaassist.security.keys.development), for tests
 * and benchmarks that call the protected APIs (enqueue, DLQ, CDC injection, catalog sync).
 */
public final class DevelopmentKey {

    /** The header the key travels in (mangaassist.security.header). */
    public static final String HEADER = "X-API-Key";
    private static final String VALUE = ProfileProperties.get("embedded", "mangaassist.security.keys.development.value");

    private DevelopmentKey() {
    }

    public static String value() {
        return VALUE;
    }

    /** A client of the same application that sends the development key with every request. */
    public static TestRestTemplate sending(TestRestTemplate http) {
        return new TestRestTemplate(new RestTemplateBuilder().rootUri(http.getRootUri()).defaultHeader(HEADER, VALUE));
    }

    /** Headers with the key, to add to a request's own. */
    public static HttpHeaders headers() {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HEADER, VALUE);
        return headers;
    }
}
