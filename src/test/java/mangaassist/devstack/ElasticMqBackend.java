package mangaassist.devstack;

import org.elasticmq.NodeAddress;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/** SQS: ElasticMQ in-process (FIFO, dedup, redrive after maxReceiveCount behave as on AWS). */
final class ElasticMqBackend implements Backend {

    private SQSRestServer server;

    @Override
    public String name() {
        return "SQS (ElasticMQ)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.sqs-port";
    }

    @Override
    public void start(int port) {
        server = SQSRestServerBuilder.withInterface(StackPorts.LOOPBACK).withPort(port)
                // queue URLs must carry the real port, or clients that follow them go astray
                .withServerAddress(new NodeAddress("http", StackPorts.LOOPBACK, port, ""))
                .withAWSRegion("ap-northeast-1")
                .start();
        server.waitUntilStarted();
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stopAndWait();
        }
    }
}
