package mangaassist.platform;

import java.net.URI;

import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.RestClient;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The OpenSearch low-level client. Camel's opensearch component autowires it, so routes name only
 * the index.
 */
@Configuration(proxyBeanMethods = false)
public class OpenSearchConfiguration {

    /**
     * @param url            base URL of the cluster, e.g. http://127.0.0.1:9200
     * @param connectTimeout connection timeout in milliseconds
     * @param socketTimeout  socket timeout in milliseconds
     */
    @ConfigurationProperties("mangaassist.opensearch")
    public record OpenSearchProperties(URI url, int connectTimeout, int socketTimeout) {
    }

    @Bean(destroyMethod = "close")
    public RestClient openSearchRestClient(OpenSearchProperties props) {
        URI url = props.url();
        return RestClient.builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                .setRequestConfigCallback(rc -> rc
                        .setConnectionRequestTimeout(Timeout.of(props.connectTimeout(), TimeUnit.MILLISECONDS))
                        .setResponseTimeout(Timeout.of(props.socketTimeout(), TimeUnit.MILLISECONDS)))
                .build();
    }
}
