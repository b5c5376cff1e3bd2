package mangaassist.devstack;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

import mangaassist.MangaAssistApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The run command: {@code ./mvnw spring-boot:test-run} starts MangaAssist with the embedded stack on
 * its standard ports (the Spring Boot "test-run" dev-services pattern: none of this ships in the jar).
 *
 * <p>With {@code --stack-only} it starts the embedded stack alone, as its own process; the application
 * then runs against it with {@code ./mvnw spring-boot:run} (profile {@code embedded}), so queues and
 * tables survive a crash of the application and several instances can share them.
 *
 * <p>With {@code --emulators-only} it starts our Bedrock emulator and ERP simulator alone ({@link Emulators}): the
 * production-like stack's emulators image (Dockerfile.emulators), beside LocalStack, Redis and OpenSearch.
 *
 * <p>Keep this the only class with a {@code main} on the test classpath: spring-boot:test-run picks
 * the single main class it finds there.
 */
public final class DevApplication {

    static final String STACK_ONLY = "--stack-only";
    static final String EMULATORS_ONLY = "--emulators-only";

    private DevApplication() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (Arrays.asList(args).contains(EMULATORS_ONLY)) {
            runEmulators(args);
            return;
        }
        boolean stackOnly = Arrays.asList(args).contains(STACK_ONLY);
        EmbeddedStackInitializer stack = new EmbeddedStackInitializer(false);
        if (stackOnly) {
            // an empty context: only the environment (ports from application.yaml, env, args) is needed
            new SpringApplicationBuilder(Object.class).web(WebApplicationType.NONE).profiles("embedded")
                    .initializers(stack).run(withoutStackOnly(args));
            System.out.printf("%s%n  Stack running (started in %d ms). Ctrl+C stops it.%n",
                    stack.stack().endpointTable(), ManagementFactory.getRuntimeMXBean().getUptime());
            Thread.currentThread().join();
            return;
        }
        ConfigurableApplicationContext app = new SpringApplicationBuilder(MangaAssistApplication.class)
                .profiles("embedded")
                .initializers(stack)
                .run(args);
        String port = app.getEnvironment().getProperty("local.server.port", "8080");
        System.out.printf("%s%n  MangaAssist                  http://localhost:%s/%n"
                        + "  Health                       http://localhost:%s/actuator/health%n"
                        + "  Readiness                    http://localhost:%s/actuator/health/readiness%n"
                        + "  Hawtio                       http://localhost:%s/actuator/hawtio%n"
                        + "  API key (development)        %s: %s%n"
                        + "  Started in %d ms (JVM uptime)%n%n",
                stack.stack().endpointTable(), port, port, port, port,
                app.getEnvironment().getProperty("mangaassist.security.header"),
                // the embedded profile's own key, there to be printed (README "Security"): never a real one
                app.getEnvironment().getProperty("mangaassist.security.keys.development.value"),
                ManagementFactory.getRuntimeMXBean().getUptime());
    }

    /** The emulators alone: their ports from application.yaml (profile embedded), the environment or the arguments. */
    private static void runEmulators(String[] args) throws InterruptedException {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(Object.class).web(WebApplicationType.NONE)
                .profiles("embedded").run(without(args, EMULATORS_ONLY));
        Emulators emulators = Emulators.start(context.getEnvironment());
        System.out.printf("%s%n  Emulators running (started in %d ms). Ctrl+C stops them.%n", emulators.endpointTable(),
                ManagementFactory.getRuntimeMXBean().getUptime());
        Thread.currentThread().join();
    }

    private static String[] withoutStackOnly(String[] args) {
        return without(args, STACK_ONLY);
    }

    private static String[] without(String[] args, String flag) {
        return Arrays.stream(args).filter(a -> !flag.equals(a)).toArray(String[]::new);
    }
}
