package mangaassist.devstack;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Configuration;

/**
 * The embedded stack alone, as its own process, on the standard ports:
 * {@code ./mvnw spring-boot:test-run -Dspring-boot.run.main-class=mangaassist.devstack.DevStack}.
 * Start the application against it with {@code ./mvnw spring-boot:run} (profile {@code embedded}):
 * the queues and tables then survive a crash of the application, and several instances can share them.
 */
@Configuration(proxyBeanMethods = false)
public class DevStack {

    public static void main(String[] args) throws InterruptedException {
        EmbeddedStackInitializer stack = new EmbeddedStackInitializer(false);
        new SpringApplicationBuilder(DevStack.class)
                .web(WebApplicationType.NONE)
                .profiles("embedded")
                .initializers(stack)
                .run(args);
        System.out.println(stack.stack().endpointTable());
        System.out.println("  Stack running. Ctrl+C stops it.");
        Thread.currentThread().join();
    }
}
