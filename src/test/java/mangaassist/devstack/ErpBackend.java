package mangaassist.devstack;

import mangaassist.devstack.erp.ErpSimulator;

/**
 * The legacy inventory ERP: our SOAP simulator (Shift_JIS, 50 requests/s, faults switchable at run time).
 * Tests start it without latency and set latency where they measure it; the run command uses the
 * realistic defaults (p50 ≈ 300 ms, p99 ≈ 800 ms).
 */
final class ErpBackend implements Backend {

    private final boolean realisticLatency;
    private ErpSimulator simulator;

    ErpBackend(boolean realisticLatency) {
        this.realisticLatency = realisticLatency;
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
    }
}
