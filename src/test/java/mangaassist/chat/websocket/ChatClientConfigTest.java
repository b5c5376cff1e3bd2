package mangaassist.chat.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChatClientConfigTest {

    @Test
    void theHostOfTheRequestWithTheWebSocketPortAndPath() {
        assertThat(ChatClientConfig.websocketUrl("shop.example.jp:8080", 8081, "/chat"))
                .isEqualTo("ws://shop.example.jp:8081/chat");
        assertThat(ChatClientConfig.websocketUrl("localhost", 9001, "chat")).isEqualTo("ws://localhost:9001/chat");
    }

    @Test
    void hostNameWithoutPort() {
        assertThat(ChatClientConfig.hostName("127.0.0.1:43210")).isEqualTo("127.0.0.1");
        assertThat(ChatClientConfig.hostName("[::1]:8080")).isEqualTo("[::1]");
        assertThat(ChatClientConfig.hostName("[::1]")).isEqualTo("[::1]");
        assertThat(ChatClientConfig.hostName(" Shop.Example.jp ")).isEqualTo("Shop.Example.jp");
    }

    @Test
    void aMissingOrOddHostFallsBackToLocalhost() {
        assertThat(ChatClientConfig.hostName(null)).isEqualTo("localhost");
        assertThat(ChatClientConfig.hostName("")).isEqualTo("localhost");
        assertThat(ChatClientConfig.hostName(":8080")).isEqualTo("localhost");
        assertThat(ChatClientConfig.hostName("evil\"host/<x>")).isEqualTo("localhost");
    }
}
