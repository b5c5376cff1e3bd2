package mangaassist.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/** OpenSearch 2.19 node in-process with the k-NN plugin (lucene engine: faiss needs native libraries). */
final class OpenSearchBackend implements Backend {

    private OpenSearchRunner runner;
    private Path home;

    @Override
    public String name() {
        return "OpenSearch (+k-NN)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.opensearch-port";
    }

    @Override
    public void start(int port) throws IOException {
        // other Netty users in this JVM (Vert.x, the AWS SDK) fix Netty's processor count first; OpenSearch
        // would refuse to start when it cannot set it itself
        System.setProperty("opensearch.set.netty.runtime.available.processors", "false");
        if (home == null) {
            home = Files.createTempDirectory("mangaassist-opensearch-");
        }
        int transportPort = StackPorts.free();
        runner = new OpenSearchRunner();
        runner.setMaxHttpPort(65535);
        runner.onBuild((index, settings) -> settings
                .put("http.port", port)
                .put("transport.port", transportPort)
                .put("network.host", StackPorts.LOOPBACK)
                // one node that elects itself ("Node 1" is the runner's name for the first node)
                .putList("cluster.initial_cluster_manager_nodes", "Node 1")
                .put("cluster.routing.allocation.disk.threshold_enabled", false)
                .put("knn.memory.circuit_breaker.enabled", false));
        runner.build(new OpenSearchRunner.Configs()
                .basePath(home.toString())
                .clusterName("mangaassist-local")
                .numOfNode(1)
                .baseHttpPort(port - 1)
                .disableESLogger()
                .pluginTypes("org.opensearch.knn.plugin.KNNPlugin"));
        runner.ensureYellow();
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    /**
     * Stops the node and keeps its data, as an outage would (reliability tests): {@link #start(int)} on the same port
     * brings it back with its indices.
     */
    void stop() throws IOException {
        if (runner != null) {
            runner.close();
            runner = null;
        }
    }

    @Override
    public void close() {
        if (runner != null) {
            try {
                runner.close();
                runner.clean();
            } catch (IOException e) {
                throw new IllegalStateException("OpenSearch did not stop", e);
            }
        }
    }
}
