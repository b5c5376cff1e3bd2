package mangaassist.devstack;

import java.net.URI;
import java.util.function.Supplier;

import mangaassist.devstack.eventbridge.EventBridgeEmulator;
import mangaassist.devstack.eventbridge.SqsTargetDelivery;

/**
 * EventBridge: our emulator on the real AWS JSON 1.1 protocol, rules matched by AWS Event Ruler, matched events
 * delivered to SQS targets on this stack's ElasticMQ.
 */
final class EventBridgeBackend implements Backend {

    private final SqsTargetDelivery delivery;
    private EventBridgeEmulator emulator;

    EventBridgeBackend(Supplier<String> sqsUrl) {
        this.delivery = new SqsTargetDelivery(() -> URI.create(sqsUrl.get()));
    }

    @Override
    public String name() {
        return "EventBridge (emulator)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.eventbridge-port";
    }

    @Override
    public void start(int port) {
        emulator = new EventBridgeEmulator("ap-northeast-1", delivery).start(StackPorts.LOOPBACK, port);
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    EventBridgeEmulator emulator() {
        return emulator;
    }

    @Override
    public void close() {
        if (emulator != null) {
            emulator.close();
        }
        delivery.close();
    }
}
