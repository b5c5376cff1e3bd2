package mangaassist.platform.security;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The API key filter on every path of the application's port, before any servlet (README "Security"). */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    @Bean
    public FilterRegistrationBean<ApiKeyFilter> apiKeyFilter(ApiSecurityProperties security, MeterRegistry meters) {
        ApiKeys keys = new ApiKeys(security.keys());
        if (keys.isEmpty()) {
            LOG.warn("No API key is configured (mangaassist.security.keys): every protected API answers 401");
        }
        FilterRegistrationBean<ApiKeyFilter> filter = new FilterRegistrationBean<>(new ApiKeyFilter(keys,
                new ProtectedPaths(security.publicPaths(), security.scopes(),
                security.publicScopes()), security.header(), meters));
        filter.addUrlPatterns("/*");
        filter.setAsyncSupported(true);
        filter.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return filter;
    }
}
