package mangaassist.devstack;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3: S3Proxy (jclouds' in-memory "transient" store, no authorization) as a child JVM on loopback.
 *
 * <p>Not in-process: S3Proxy embeds Jetty 11 while Spring Boot manages Jetty 12 (DynamoDB Local runs on it). Its
 * self-contained jar is copied to {@code target/s3proxy/} by the build (maven-dependency-plugin, phase
 * generate-test-resources) and found through the system property {@value #JAR_PROPERTY}, which surefire and the
 * run command set. The child is {@link S3ProxyLauncher}: it exits with this JVM even when this one is killed.
 *
 * <p>Clients: path-style URLs, checksums only when required (S3Proxy answers NotImplemented to the flexible checksum
 * headers of current SDKs), and buckets created without a LocationConstraint, which it refuses: an SDK client in
 * us-east-1 (in any other region the SDK sends its region as one). The embedded profile sets all three.
 */
public final class S3ProxyBackend implements Backend {

    static final String JAR_PROPERTY = "mangaassist.stack.s3proxy-jar";
    static final String DEFAULT_JAR = "target/s3proxy/s3proxy-jar-with-dependencies.jar";
    private static final Logger LOG = LoggerFactory.getLogger(S3ProxyBackend.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final long STOP_TIMEOUT_SECONDS = 10;
    /** Its objects live in its heap: results and archives are small. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener");

    private Process server;
    private Path workDir;
    private volatile boolean closing;

    @Override
    public String name() {
        return "S3 (S3Proxy)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.s3-port";
    }

    @Override
    public void start(int port) throws IOException, InterruptedException {
        closing = false;
        Path jar = jar();
        workDir = Files.createTempDirectory("mangaassist-s3proxy");
        Path config = workDir.resolve("s3proxy.properties");
        Properties properties = new Properties();
        properties.setProperty("s3proxy.endpoint", url(port));
        properties.setProperty("s3proxy.authorization", "none");
        properties.setProperty("jclouds.provider", "transient");
        properties.setProperty("jclouds.identity", "local");
        properties.setProperty("jclouds.credential", "local");
        try (Writer out = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            properties.store(out, "S3Proxy of the MangaAssist embedded stack");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(jar + java.io.File.pathSeparator + launcherClasspath());
        command.add(S3ProxyLauncher.class.getName());
        command.add("--properties");
        command.add(config.toString());
        server = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        StringBuilder startLog = new StringBuilder();
        Thread output = new Thread(() -> drain(startLog), "s3proxy-output");
        output.setDaemon(true);
        output.start();
        try {
            awaitReady(port);
        } catch (IOException | InterruptedException e) {
            close();   // the stack stops only the backends that started: the child must not outlive a failed start
            synchronized (startLog) {
                throw new IOException("S3Proxy did not start on port " + port + ": " + e.getMessage() + "\n"
                        + startLog.toString().strip(), e);
            }
        }
    }

    static Path jar() throws IOException {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, DEFAULT_JAR));
        if (!Files.isRegularFile(jar)) {
            throw new IOException("S3Proxy's jar is not at " + jar.toAbsolutePath() + ": the build copies it there "
                    + "(./mvnw generate-test-resources), or set -D" + JAR_PROPERTY + "=<path>");
        }
        return jar;
    }

    private static String launcherClasspath() throws IOException {
        try {
            return Path.of(S3ProxyLauncher.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IOException("Cannot locate " + S3ProxyLauncher.class.getName(), e);
        }
    }

    /** Ready when it answers ListBuckets; fails at once when the child has exited. */
    private void awaitReady(int port) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest listBuckets = HttpRequest.newBuilder(URI.create(url(port) + "/")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            if (!server.isAlive()) {
                throw new IOException("S3Proxy exited with status " + server.exitValue());
            }
            try {
                if (http.send(listBuckets, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new IOException("no answer within " + START_TIMEOUT.toSeconds() + " s");
            }
            // a child process gives no event to wait on: poll its port
            server.waitFor(100, TimeUnit.MILLISECONDS);
        }
    }

    /** Reads the child's output to its end (a full pipe would block it); its first lines explain a failed start. */
    private void drain(StringBuilder startLog) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (startLog) {
                    if (startLog.length() < 20_000) {
                        startLog.append(line).append('\n');
                    }
                }
                LOG.debug("{}", line);
            }
        } catch (IOException e) {
            LOG.debug("S3Proxy output closed: {}", e.toString());
        }
        try {
            // its output ends when it exits: unless the stack stopped it, say so (requests would fail with nothing in the log)
            if (server.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS) && !closing) {
                synchronized (startLog) {
                    LOG.warn("S3Proxy exited with status {} while the stack runs; its output began:\n{}", server.exitValue(),
                            startLog.toString().strip());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    /**
     * A client of this S3Proxy: path-style, checksums only when required, region us-east-1 (no LocationConstraint).
     * The caller closes it.
     */
    S3Client client(int port) {
        return S3Client.builder()
                .endpointOverride(URI.create(url(port)))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The child process, for tests of its lifecycle. */
    Process process() {
        return server;
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (server != null && server.isAlive()) {
                server.destroy();
                if (!server.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    server.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            server.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            deleteWorkDir();
        }
    }

    private void deleteWorkDir() {
        if (workDir == null) {
            return;
        }
        try (var files = Files.walk(workDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debug("Could not delete {}: {}", workDir, e.toString());
        }
        workDir = null;
    }
}
