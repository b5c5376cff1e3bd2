package mangaassist.devstack;

import java.lang.reflect.Field;

import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB + Streams: DynamoDB Local in memory, one database for every client. Without {@code -sharedDb} it keeps one
 * database per access key and region: the AWS CLI with another key or region listed no tables.
 */
final class DynamoDbLocalBackend implements Backend {

    private DynamoDBProxyServer server;

    @Override
    public String name() {
        return "DynamoDB (DynamoDB Local)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.dynamodb-port";
    }

    @Override
    public void start(int port) throws Exception {
        server = ServerRunner.createServerFromCommandLineArgs(
                new String[] {"-inMemory", "-sharedDb", "-port", String.valueOf(port), "-disableTelemetry"});
        bindToLoopback(server);
        server.start();
    }

    /** DynamoDB Local has no host option and listens on every interface; keep it on loopback. */
    private static void bindToLoopback(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server jetty = (Server) field.get(proxy);
        for (Connector connector : jetty.getConnectors()) {
            if (connector instanceof ServerConnector serverConnector) {
                serverConnector.setHost(StackPorts.LOOPBACK);
            }
        }
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            try {
                server.stop();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not stop", e);
            }
        }
    }
}
