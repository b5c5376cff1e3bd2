package mangaassist.devstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers for the embedded stack: everything listens on loopback only. */
public final class StackPorts {

    public static final String LOOPBACK = "127.0.0.1";

    private StackPorts() {
    }

    /** An ephemeral loopback port that is free right now. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("No free loopback port", e);
        }
    }

    /**
     * Resolves 0 to an ephemeral port; fails with a message naming the property to change when a fixed
     * port is taken, instead of the engine's own obscure bind error later.
     */
    public static int claim(int port, String backend, String property) {
        if (port == 0) {
            return free();
        }
        try (ServerSocket socket = new ServerSocket()) {
            // like the servers themselves: a port in TIME_WAIT is free, one with a listener is not
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            return port;
        } catch (IOException e) {
            throw new PortInUseException(String.format(
                    "Port %d for %s is already in use. Stop what holds it, or set %s (environment %s) to another port.",
                    port, backend, property, property.toUpperCase().replace('.', '_').replace('-', '_')));
        }
    }

    /** A fixed port of the embedded stack is taken. */
    public static final class PortInUseException extends IllegalStateException {
        public PortInUseException(String message) {
            super(message);
        }
    }
}
