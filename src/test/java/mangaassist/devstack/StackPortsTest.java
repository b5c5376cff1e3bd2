package mangaassist.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

/** A fixed port already taken stops the stack with a message naming the property to change. */
class StackPortsTest {

    @Test
    void aTakenPortNamesThePropertyAndItsEnvironmentVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(StackPorts.LOOPBACK))) {
            assertThatThrownBy(() -> StackPorts.claim(taken.getLocalPort(), "SQS (ElasticMQ)", "mangaassist.stack.sqs-port"))
                    .isInstanceOf(StackPorts.PortInUseException.class)
                    .hasMessageContaining("Port " + taken.getLocalPort() + " for SQS (ElasticMQ) is already in use")
                    .hasMessageContaining("mangaassist.stack.sqs-port")
                    .hasMessageContaining("MANGAASSIST_STACK_SQS_PORT");
        }
    }

    @Test
    void zeroMeansAFreeEphemeralPort() {
        int port = StackPorts.claim(0, "Redis", "mangaassist.stack.redis-port");
        assertThat(port).isPositive();
        assertThat(StackPorts.claim(port, "Redis", "mangaassist.stack.redis-port")).isEqualTo(port);
    }
}
