package mangaassist.chat.websocket;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.chat.ChatProperties;
import org.apache.camel.Header;
import org.springframework.stereotype.Component;

/**
 * What the chat page needs to know from the server: where the WebSocket listens. The WebSocket has
 * its own port ({@code mangaassist.chat.websocket.port}), so the page cannot derive the URL from its
 * own location; the host is the one the browser used for the page (its {@code Host} header).
 */
@Component("chatClientConfig")
public class ChatClientConfig {

    static final String FALLBACK_HOST = "localhost";

    private final ChatProperties.WebSocket websocket;

    public ChatClientConfig(ChatProperties chat) {
        this.websocket = chat.websocket();
    }

    /** {@code {"websocketUrl":"ws://<host of the request>:<websocket port><websocket path>"}}. */
    public ObjectNode forHost(@Header("Host") String hostHeader) {
        ObjectNode config = JsonNodeFactory.instance.objectNode();
        config.put("websocketUrl", websocketUrl(hostHeader, websocket.port(), websocket.path()));
        return config;
    }

    static String websocketUrl(String hostHeader, int port, String path) {
        String p = path == null || path.isBlank() ? "/" : path.startsWith("/") ? path : "/" + path;
        return "ws://" + hostName(hostHeader) + ":" + port + p;
    }

    /** The host of a {@code Host} header without its port: {@code a.b:8080} → {@code a.b}, {@code [::1]:8080} → {@code [::1]}. */
    static String hostName(String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return FALLBACK_HOST;
        }
        String host = hostHeader.trim();
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end > 0 ? host.substring(0, end + 1) : FALLBACK_HOST;
        }
        int colon = host.indexOf(':');
        if (colon >= 0 && colon != host.lastIndexOf(':')) {
            return "[" + host + "]"; // a bare IPv6 address (not valid in a Host header, but harmless)
        }
        String name = colon >= 0 ? host.substring(0, colon) : host;
        return name.isEmpty() || !name.matches("[A-Za-z0-9.\\-_]+") ? FALLBACK_HOST : name;
    }
}
