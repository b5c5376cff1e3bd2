package mangaassist.devstack;

import java.lang.management.ManagementFactory;

import mangaassist.MangaAssistApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The run command: {@code ./mvnw spring-boot:test-run} starts MangaAssist with the embedded stack on
 * its standard ports (the Spring Boot "test-run" dev-services pattern: none of this ships in the jar).
 */
public final class DevApplication {

    private DevApplication() {
    }

    public static void main(String[] args) {
        EmbeddedStackInitializer stack = new EmbeddedStackInitializer(false);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(MangaAssistApplication.class)
                .profiles("embedded")
                .initializers(stack)
                .run(args);
        String port = app.getEnvironment().getProperty("local.server.port", "8080");
        System.out.printf("%s%n  MangaAssist                  http://localhost:%s/%n"
                        + "  Health                       http://localhost:%s/actuator/health%n"
                        + "  Hawtio                       http://localhost:%s/actuator/hawtio%n"
                        + "  Started in %d ms (JVM uptime)%n%n",
                stack.stack().endpointTable(), port, port, port,
                ManagementFactory.getRuntimeMXBean().getUptime());
    }
}
