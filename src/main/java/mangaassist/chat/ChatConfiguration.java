package mangaassist.chat;

import io.vertx.core.VertxOptions;
import mangaassist.chat.intent.InventoryIntentClassifier;
import mangaassist.chat.message.ChatMessageParser;
import mangaassist.chat.model.BedrockRequestBuilder;
import mangaassist.chat.model.BedrockResponseTransformer;
import mangaassist.chat.model.ModelConfig;
import mangaassist.chat.model.ModelSelector;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chat flow's plain transformation beans, configured from {@link ChatProperties}. */
@Configuration(proxyBeanMethods = false)
public class ChatConfiguration {

    /**
     * The WebSocket consumer takes each message on a Vert.x worker thread (default pool: 20): parse, rate limit and
     * cache read and admission; an answer that needs the model is handed to the chat-work queue ({@code ChatWorkQueue})
     * without waiting for it, so that the thread takes the next frame.
     */
    @Bean
    public VertxOptions chatVertxOptions(ChatProperties chat) {
        return new VertxOptions().setWorkerPoolSize(chat.websocket().workerThreads());
    }

    @Bean
    public ChatMessageParser chatMessageParser(ChatProperties chat) {
        return new ChatMessageParser(chat.maxMessageChars());
    }

    @Bean
    public ModelSelector modelSelector(ChatProperties chat) {
        ChatProperties.Models models = chat.models();
        return new ModelSelector(new ModelConfig(models.fast(), models.quality(), models.autoThreshold(), true));
    }

    @Bean
    public BedrockRequestBuilder bedrockRequestBuilder() {
        return new BedrockRequestBuilder();
    }

    @Bean
    public BedrockResponseTransformer bedrockResponseTransformer() {
        return new BedrockResponseTransformer();
    }

    @Bean
    public InventoryIntentClassifier inventoryIntentClassifier() {
        return new InventoryIntentClassifier();
    }
}
