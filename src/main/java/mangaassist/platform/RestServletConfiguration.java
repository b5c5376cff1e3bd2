package mangaassist.platform;

import java.util.UUID;

import org.apache.camel.Ordered;
import org.apache.camel.component.servlet.CamelHttpTransportServlet;
import org.apache.camel.component.servlet.ServletComponent;
import org.apache.camel.http.common.CamelServlet;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel's REST routes are served by Camel's own servlet on Tomcat's port, mapped at {@code mangaassist.rest.path}
 * (/api/*) beside Spring's DispatcherServlet, which keeps actuator, Hawtio and the chat page.
 *
 * <p>Not platform-http on Spring MVC: that went through the DispatcherServlet twice per request (the handler
 * mapping and a CompletableFuture, then the async re-dispatch of its result), about two thirds of a lookup's
 * Tomcat-thread CPU in the inventory benchmark. Here the Tomcat thread finds the route, starts the request's async
 * mode and hands it to {@code mangaassist.rest.executor} (Spring's task executor, as platform-http did): the
 * exchange keeps that thread while it waits (a coalesced ERP answer, a chat answer), writes the answer and
 * completes the request without a second dispatch; Tomcat's own threads stay free for actuator and Hawtio.
 *
 * <p>Each request has a time budget ({@code mangaassist.rest.async-timeout}): past it, a JSON 503 ({@link RestServlet}).
 *
 * <p>Registered here rather than by the starter ({@code camel.servlet.mapping.enabled=false}), whose registration
 * has no way to set the servlet's async init parameters.
 */
@Configuration(proxyBeanMethods = false)
public class RestServletConfiguration {

    /**
     * The servlet's name, which the servlet component's consumers find it by: one per application, as camel-servlet
     * keeps servlets and their routes in a JVM-wide registry by name (two applications in one JVM, as in the test
     * suite, would otherwise share one servlet and clash on its paths).
     */
    private final String servletName = "CamelServlet-" + UUID.randomUUID();

    @Bean
    public ServletRegistrationBean<CamelHttpTransportServlet> camelRestServlet(RestServletProperties rest) {
        ServletRegistrationBean<CamelHttpTransportServlet> servlet =
                new ServletRegistrationBean<>(new RestServlet(rest.asyncTimeout()), rest.path());
        servlet.setName(servletName);
        servlet.setAsyncSupported(true);
        servlet.addInitParameter(CamelServlet.ASYNC_PARAM, "true");
        servlet.addInitParameter(CamelServlet.EXECUTOR_REF_PARAM, rest.executor());
        servlet.setLoadOnStartup(1);
        return servlet;
    }

    /** How the REST routes' answers are written (camel.rest.endpoint-property.httpBinding). */
    @Bean
    public RestHttpBinding restHttpBinding() {
        return new RestHttpBinding();
    }

    /** Last of the servlet component's customizers: the starter's, which copies camel.component.servlet.*, runs first. */
    @Bean
    public ComponentCustomizer restServletName() {
        return ComponentCustomizer.builder(ServletComponent.class).withOrder(Ordered.LOWEST)
                .build(servlet -> servlet.setServletName(servletName));
    }
}
