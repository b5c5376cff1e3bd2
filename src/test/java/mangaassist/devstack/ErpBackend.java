package mangaassist.devstack;

import java.net.URI;
import java.util.function.Supplier;

import mangaassist.devstack.erp.ErpSimulator;
import mangaassist.devstack.eventbridge.SqsTargetDelivery;

/**
 * The legacy inventory ERP: our SOAP simulator (Shift_JIS, 50 requests/s, faults switchable at run time).
 * Tests start it without latency and set latency where they measure it; the run command uses the
 * realistic defaults (p50 ≈ 300 ms, p99 ≈ 800 ms).
 */
final class ErpBackend implements Backend {

    /** The queue DMS would write the stock table's changes to (mangaassist.inventory-events.cdc-queue). */
    static final String CDC_QUEUE = "manga-inventory-cdc";

    private final boolean realisticLatency;
    private final SqsTargetDelivery changeFeed;
    private ErpSimulator simulator;

    ErpBackend(boolean realisticLatency, Supplier<String> sqsUrl) {
        this.realisticLatency = realisticLatency;
        this.changeFeed = new SqsTargetDelivery(() -> URI.create(sqsUrl.get()));
    }

    @Override
    public String name() {
        return "Legacy ERP (SOAP simulator)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.erp-port";
    }

    @Override
    public void start(int port) {
        simulator = ErpSimulator.start(StackPorts.LOOPBACK, port,
                realisticLatency ? ErpSimulator.Options.defaults() : ErpSimulator.Options.fast());
        // stock changed through the simulator's control reach the CDC queue, as DMS would deliver them
        simulator.setChangeFeed(record -> changeFeed.send(CDC_QUEUE, record));
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port + ErpSimulator.SOAP_PATH;
    }

    ErpSimulator simulator() {
        return simulator;
    }

    @Override
    public void close() {
        if (simulator != null) {
            simulator.close();
        }
        changeFeed.close();
    }
}
