package mangaassist.devstack;

import mangaassist.devstack.bedrock.BedrockEmulator;

/** Bedrock Runtime: our emulator, on the real wire protocol (InvokeModel, response streams over h2c). */
final class BedrockBackend implements Backend {

    private final BedrockEmulator emulator = new BedrockEmulator();

    @Override
    public String name() {
        return "Bedrock Runtime (emulator)";
    }

    @Override
    public String portProperty() {
        return "mangaassist.stack.bedrock-port";
    }

    @Override
    public void start(int port) {
        emulator.start(StackPorts.LOOPBACK, port);
    }

    @Override
    public String url(int port) {
        return "http://" + StackPorts.LOOPBACK + ":" + port;
    }

    BedrockEmulator emulator() {
        return emulator;
    }

    @Override
    public void close() {
        emulator.close();
    }
}
