package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;
import org.apache.hc.core5.http.HttpHost;
import org.junit.jupiter.api.Test;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.RestClient;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * SigV4 of the OpenSearch client (aws profile, OpenSearch Serverless): the signature is the one the SigV4 algorithm
 * gives, computed here independently of the AWS SDK, for a signed call and for a request as the server receives it.
 */
class OpenSearchSigV4Test {

    private static final String KEY = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String REGION = "ap-northeast-1";
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T10:15:30Z"), ZoneOffset.UTC);
    private static final String BODY = "{\"query\":{\"match\":{\"title\":\"ワンピース\"}},\"size\":3}";

    private final OpenSearchSigV4 sigV4 = new OpenSearchSigV4(
            StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)), "aoss", REGION, CLOCK);

    @Test
    void signsWithServiceAossTheBodysHashAndTheSigV4Signature() {
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("https://abc123.ap-northeast-1.aoss.amazonaws.com/manga-catalog/_search?size=3");

        Map<String, List<String>> headers = sigV4.sign("POST", uri, body);

        String hash = OpenSearchSigV4.sha256Hex(body);
        assertThat(first(headers, "x-amz-content-sha256")).isEqualTo(hash);
        assertThat(first(headers, "X-Amz-Date")).isEqualTo("20261202T101530Z");
        assertThat(first(headers, "Authorization")).isEqualTo(expectedAuthorization("POST", "/manga-catalog/_search", "size=3",
                "abc123.ap-northeast-1.aoss.amazonaws.com", "20261202T101530Z", hash));
    }

    @Test
    void theRestClientSendsSignedRequestsWithTheSameBody() throws Exception {
        AtomicReference<Map<String, String>> received = new AtomicReference<>();
        AtomicReference<byte[]> receivedBody = new AtomicReference<>();
        AtomicReference<URI> receivedUri = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k, v.get(0)));
            received.set(headers);
            receivedUri.set(exchange.getRequestURI());
            receivedBody.set(exchange.getRequestBody().readAllBytes());
            byte[] answer = "{\"hits\":{\"hits\":[]}}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        // as OpenSearchConfiguration builds it with mangaassist.opensearch.sigv4.enabled
        try (RestClient client = RestClient.builder(new HttpHost("http", "127.0.0.1", port))
                .setHttpClientConfigCallback(http -> http.addExecInterceptorFirst("sigv4", sigV4)).build()) {
            Request request = new Request("POST", "/manga-catalog/_search");
            request.addParameter("size", "3");
            request.setJsonEntity(BODY);
            Response response = client.performRequest(request);
            assertThat(response.getStatusLine().getStatusCode()).isEqualTo(200);
        } finally {
            server.stop(0);
        }

        Map<String, String> headers = received.get();
        assertThat(new String(receivedBody.get(), StandardCharsets.UTF_8)).isEqualTo(BODY);
        assertThat(headers.get("Content-Type")).startsWith("application/json");
        String hash = OpenSearchSigV4.sha256Hex(receivedBody.get());
        assertThat(headers.get("x-amz-content-sha256")).isEqualTo(hash);
        assertThat(headers.get("Authorization")).isEqualTo(expectedAuthorization("POST", receivedUri.get().getRawPath(),
                receivedUri.get().getRawQuery(), headers.get("Host"), headers.get("X-Amz-Date"), hash));
    }

    /** SigV4 (AWS General Reference, "Signature Version 4 signing process") for host, x-amz-content-sha256, x-amz-date. */
    private static String expectedAuthorization(String method, String path, String query, String host, String amzDate,
                                                String payloadHash) {
        String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        String canonical = String.join("\n", method, path, query == null ? "" : query,
                "host:" + host, "x-amz-content-sha256:" + payloadHash, "x-amz-date:" + amzDate, "",
                signedHeaders, payloadHash);
        String date = amzDate.substring(0, 8);
        String scope = date + "/" + REGION + "/aoss/aws4_request";
        String toSign = String.join("\n", "AWS4-HMAC-SHA256", amzDate, scope,
                OpenSearchSigV4.sha256Hex(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + SECRET).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, REGION);
        key = hmac(key, "aoss");
        key = hmac(key, "aws4_request");
        String signature = HexFormat.of().formatHex(hmac(key, toSign));
        return "AWS4-HMAC-SHA256 Credential=" + KEY + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(e -> e.getValue().get(0))
                .findFirst().orElse(null);
    }
}
