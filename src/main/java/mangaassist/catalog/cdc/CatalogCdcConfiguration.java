package mangaassist.catalog.cdc;

import java.util.concurrent.ExecutorService;

import org.apache.camel.util.concurrent.SynchronousExecutorService;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class CatalogCdcConfiguration {

    /**
     * The stream aggregator's executor: a completed batch is written in the thread of the poll that completed it
     * (Camel's default is a thread of the aggregator's own), so the stream consumer reads on only after the write.
     */
    @Bean
    public ExecutorService catalogCdcInline() {
        return new SynchronousExecutorService();
    }
}
