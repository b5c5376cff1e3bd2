package mangaassist.platform.contracts;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ResourceHandlerRegistry;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * The published contracts on Tomcat's port, beside the chat page: the schemas at {@code /schemas/<format>.v<n>.json}
 * (the files the edges validate with, so what a producer reads is what is enforced), and {@code /api-doc}, the
 * OpenAPI document's short address (Camel serves it below its REST servlet, at /api/api-doc).
 */
@Configuration(proxyBeanMethods = false)
public class ContractsWebConfiguration implements WebMvcConfigurer {

    @Override
    public void addResourceHandlers(ResourceHandlerRegistry registry) {
        registry.addResourceHandler("/schemas/**").addResourceLocations("classpath:/" + Contracts.LOCATION);
    }

    @Override
    public void addViewControllers(ViewControllerRegistry registry) {
        registry.addRedirectViewController("/api-doc", "/api/api-doc");
    }
}
