package mangaassist.platform;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.client5.http.async.AsyncExecChainHandler;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.nio.AsyncEntityProducer;
import org.apache.hc.core5.http.nio.DataStreamChannel;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * SigV4 for the OpenSearch client in the aws profile: OpenSearch Serverless (service {@code aoss}) accepts only signed
 * requests, with the body's SHA-256 in {@code x-amz-content-sha256}. A step of the HTTP client's exec chain (the
 * low-level RestClient's, which Camel's opensearch component uses): it reads the request's body once (the client's
 * bodies are byte arrays), signs with the AWS SDK's {@link AwsV4HttpSigner} and the default credentials chain, and
 * sends the same bytes on. Signed per request: credentials rotate, a signature is valid for minutes.
 */
public final class OpenSearchSigV4 implements AsyncExecChainHandler {

    public static final String CONTENT_SHA256 = "x-amz-content-sha256";

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsCredentialsProvider credentials;
    private final String service;
    private final String region;
    private final Clock clock;

    public OpenSearchSigV4(AwsCredentialsProvider credentials, String service, String region, Clock clock) {
        this.credentials = credentials;
        this.service = service;
        this.region = region;
        this.clock = clock;
    }

    /**
     * The headers to add to a request: {@code Authorization}, {@code X-Amz-Date}, {@code x-amz-content-sha256} (and
     * {@code X-Amz-Security-Token} with session credentials). {@code uri} is the absolute URI, query included.
     */
    public Map<String, List<String>> sign(String method, URI uri, byte[] body) {
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method)).uri(uri)
                .putHeader(CONTENT_SHA256, sha256Hex(body)).build();
        AwsCredentialsIdentity identity = credentials.resolveCredentials();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity).request(request)
                .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock)).request();
        return signed.headers();
    }

    @Override
    public void execute(HttpRequest request, AsyncEntityProducer entity, AsyncExecChain.Scope scope, AsyncExecChain chain,
                        AsyncExecCallback callback) throws HttpException, IOException {
        byte[] body = entity == null ? new byte[0] : drain(entity);
        HttpHost target = scope.route.getTargetHost();
        URI uri = URI.create(target.toURI() + request.getPath());
        sign(request.getMethod(), uri, body).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Host")) {
                request.setHeader(name, values.get(0));
            }
        });
        AsyncEntityProducer replay = entity == null ? null : new BasicAsyncEntityProducer(body,
                entity.getContentType() == null ? null : ContentType.parse(entity.getContentType()));
        chain.proceed(request, replay, scope, callback);
    }

    /** The body the producer would stream (the RestClient's entities are in memory: produced in one go). */
    static byte[] drain(AsyncEntityProducer entity) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean[] ended = {false};
        DataStreamChannel channel = new DataStreamChannel() {
            @Override
            public void requestOutput() {
            }

            @Override
            public int write(ByteBuffer src) {
                int n = src.remaining();
                byte[] bytes = new byte[n];
                src.get(bytes);
                out.write(bytes, 0, n);
                return n;
            }

            @Override
            public void endStream() {
                ended[0] = true;
            }

            @Override
            public void endStream(List<? extends Header> trailers) {
                ended[0] = true;
            }
        };
        // a producer with its bytes in memory ends within a few calls; a stream that does not is refused, not signed
        for (int calls = 0; !ended[0]; calls++) {
            if (calls > 10_000) {
                throw new IOException("the OpenSearch request body did not end: cannot sign it");
            }
            entity.produce(channel);
        }
        entity.releaseResources();
        return out.toByteArray();
    }

    static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
