package mangaassist.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where Camel's REST routes are served (RestServletConfiguration).
 *
 * @param path     the servlet's mapping on Tomcat's port, e.g. {@code /api/*}; the routes' {@code rest(...)} paths are
 *                 relative to it
 * @param executor the bean name of the pool that runs the exchanges (Spring's task executor)
 * @param asyncTimeout a request's time budget: unanswered after it, a 503 REQUEST_TIMEOUT (RestServlet)
 */
@ConfigurationProperties("mangaassist.rest")
public record RestServletProperties(String path, String executor, Duration asyncTimeout) {

    public RestServletProperties {
        asyncTimeout = asyncTimeout == null ? Duration.ofSeconds(30) : asyncTimeout;
    }
}
