package mangaassist.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/**
 * S3Proxy as a child JVM: serves S3 on loopback, and never outlives its parent: it stops with the stack, and exits by
 * itself when the pipe from its parent closes (what a killed parent leaves behind).
 */
class S3ProxyBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void servesBucketsAndObjectsOnLoopbackAndStopsWithTheStack() throws Exception {
        S3ProxyBackend backend = new S3ProxyBackend();
        int port = StackPorts.free();
        backend.start(port);
        try (S3Client s3 = client(port)) {
            s3.createBucket(b -> b.bucket("backend-test"));
            // what TopologyProvisioner takes for "exists already" when a second application provisions the stack
            assertThatThrownBy(() -> s3.createBucket(b -> b.bucket("backend-test")))
                    .isInstanceOf(BucketAlreadyOwnedByYouException.class);
            s3.putObject(b -> b.bucket("backend-test").key("a/b.json"), RequestBody.fromString("{\"ok\":true}"));
            assertThat(s3.getObjectAsBytes(b -> b.bucket("backend-test").key("a/b.json")).asUtf8String())
                    .isEqualTo("{\"ok\":true}");
        } finally {
            backend.close();
        }
        assertThat(backend.process().isAlive()).isFalse();
        assertThat(listening(port)).isFalse();
    }

    @Test
    void theChildExitsWhenItsParentsPipeCloses() throws Exception {
        S3ProxyBackend backend = new S3ProxyBackend();
        int port = StackPorts.free();
        backend.start(port);
        try {
            assertThat(listening(port)).isTrue();
            // what the operating system does to the pipe when this JVM dies, kill -9 included
            backend.process().getOutputStream().close();
            await().atMost(WAIT).until(() -> !backend.process().isAlive());
            assertThat(listening(port)).isFalse();
        } finally {
            backend.close();
        }
    }

    private static S3Client client(int port) {
        return S3Client.builder().endpointOverride(URI.create("http://127.0.0.1:" + port)).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(StackPorts.LOOPBACK, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
