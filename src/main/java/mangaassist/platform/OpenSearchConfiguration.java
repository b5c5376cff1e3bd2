package mangaassist.platform;

import java.net.URI;

import java.time.Clock;
import java.util.concurrent.TimeUnit;

import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.util.Timeout;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * The OpenSearch low-level client. Camel's opensearch component autowires it, so routes name only
 * the index. In the aws profile it signs its requests (SigV4, OpenSearch Serverless: {@link OpenSearchSigV4}).
 */
@Configuration(proxyBeanMethods = false)
public class OpenSearchConfiguration {

    /**
     * @param url            base URL of the cluster, e.g. http://127.0.0.1:9200
     * @param connectTimeout connection timeout in milliseconds
     * @param socketTimeout  socket timeout in milliseconds
     */
    @ConfigurationProperties("mangaassist.opensearch")
    public record OpenSearchProperties(URI url, int connectTimeout, int socketTimeout, SigV4 sigv4) {
        public OpenSearchProperties {
            sigv4 = sigv4 == null ? new SigV4(false, "aoss") : sigv4;
        }
    }

    /**
     * @param enabled sign every request (OpenSearch Serverless, the aws profile)
     * @param service the signing name: {@code aoss} for Serverless, {@code es} for a managed domain
     */
    public record SigV4(boolean enabled, String service) {
    }

    @Bean(destroyMethod = "close")
    public RestClient openSearchRestClient(OpenSearchProperties props, AwsProperties aws) {
        URI url = props.url();
        RestClientBuilder builder = RestClient.builder(new HttpHost(url.getScheme(), url.getHost(), url.getPort()))
                .setRequestConfigCallback(rc -> rc
                        .setConnectionRequestTimeout(Timeout.of(props.connectTimeout(), TimeUnit.MILLISECONDS))
                        .setResponseTimeout(Timeout.of(props.socketTimeout(), TimeUnit.MILLISECONDS)));
        if (props.sigv4().enabled()) {
            // the default credentials chain (the pod's role), never static keys
            OpenSearchSigV4 signing = new OpenSearchSigV4(DefaultCredentialsProvider.builder().build(),
                    props.sigv4().service(), aws.region(), Clock.systemUTC());
            builder.setHttpClientConfigCallback(http -> http.addExecInterceptorFirst("sigv4", signing));
        }
        return builder.build();
    }
}
