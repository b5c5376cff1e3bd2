package mangaassist.devstack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;

/**
 * Our two emulators alone, for the production-like stack (docker-compose.yml, image Dockerfile.emulators): the Bedrock
 * Runtime emulator and the legacy ERP's SOAP simulator, with the realistic latencies of the run command. Everything
 * else there is LocalStack, Redis and OpenSearch. They listen on loopback, as in the embedded stack: the app's
 * container shares this one's network namespace. The ERP's stock changes go to the CDC queue on the SQS at
 * {@code mangaassist.emulators.sqs-url} (LocalStack), as DMS would send them.
 */
final class Emulators implements AutoCloseable {

    static final String SQS_URL = "mangaassist.emulators.sqs-url";
    private static final Logger LOG = LoggerFactory.getLogger(Emulators.class);

    private final Map<Backend, Integer> ports = new LinkedHashMap<>();
    private final List<Backend> started = new ArrayList<>();

    private Emulators() {
    }

    /** Starts both on the ports of mangaassist.stack.bedrock-port and erp-port; on a failure what started stops again. */
    static Emulators start(Environment environment) {
        String sqsUrl = environment.getProperty(SQS_URL,
                "http://" + StackPorts.LOOPBACK + ":" + environment.getProperty("mangaassist.stack.sqs-port", "9324"));
        Emulators emulators = new Emulators();
        Runtime.getRuntime().addShutdownHook(new Thread(emulators::close, "emulators-shutdown"));
        try {
            for (Backend backend : List.of(new BedrockBackend(), new ErpBackend(true, () -> sqsUrl))) {
                int port = StackPorts.claim(environment.getRequiredProperty(backend.portProperty(), Integer.class),
                        backend.name(), backend.portProperty());
                backend.start(port);
                emulators.ports.put(backend, port);
                emulators.started.add(backend);
            }
        } catch (Exception e) {
            emulators.close();
            throw new IllegalStateException("The emulators failed to start: " + e.getMessage(), e);
        }
        LOG.info("ERP stock changes go to the CDC queue at {}", sqsUrl);
        return emulators;
    }

    String endpointTable() {
        StringBuilder table = new StringBuilder("\n  Emulators\n");
        ports.forEach((backend, port) -> table.append(String.format("  %-28s %-40s (%s)%n",
                backend.name(), backend.url(port), backend.portProperty())));
        return table.toString();
    }

    @Override
    public synchronized void close() {
        List<Backend> toStop = new ArrayList<>(started);
        started.clear();
        Collections.reverse(toStop);
        for (Backend backend : toStop) {
            try {
                backend.close();
            } catch (RuntimeException e) {
                LOG.warn("{} did not stop cleanly: {}", backend.name(), e.getMessage());
            }
        }
    }
}
