package mangaassist.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;

/**
 * Watches every log event of the test JVM, from the moment the flow tests' application is configured, for the
 * secrets it was configured with (the ERP token, the AWS keys, every API key) and any a test adds: an event that
 * holds one (message, arguments or exception messages) is kept as a hit. Only hits are kept: the log itself is not.
 */
public final class LeakWatch implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final List<String> HITS = new CopyOnWriteArrayList<>();
    private static final AtomicLong EVENTS = new AtomicLong();
    private static final int MAX_HITS = 20;
    /** Secrets shorter than this would match ordinary words ("local"): only distinctive ones are watched. */
    private static final int MIN_LENGTH = 8;

    /** The secrets of the application's configuration: these properties, and every mangaassist.security.keys.*.value. */
    static final List<String> SECRET_PROPERTIES = List.of("mangaassist.inventory.erp.auth-token",
            "mangaassist.aws.access-key", "mangaassist.aws.secret-key");

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        ConfigurableEnvironment environment = context.getEnvironment();
        SECRET_PROPERTIES.forEach(name -> watch(environment.getProperty(name)));
        List<String> keyProperties = new ArrayList<>();
        environment.getPropertySources().forEach(source -> {
            if (source instanceof EnumerablePropertySource<?> enumerable) {
                for (String name : enumerable.getPropertyNames()) {
                    if (name.startsWith("mangaassist.security.keys.") && name.endsWith(".value")) {
                        keyProperties.add(name);
                    }
                }
            }
        });
        keyProperties.forEach(name -> watch(environment.getProperty(name)));
        attach();
    }

    /** Watches one more secret (e.g. a key a test presents). */
    public static void watch(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
        }
    }

    public static Set<String> secrets() {
        return Set.copyOf(SECRETS);
    }

    /** Log events that held a secret (the logger and the secret's first characters, not the secret). */
    public static List<String> hits() {
        return List.copyOf(HITS);
    }

    /** Log events seen so far: a watch that saw none proves nothing. */
    public static long events() {
        return EVENTS.get();
    }

    private static synchronized void attach() {
        LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = logging.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (root.getAppender(Appender.NAME) == null) {
            Appender appender = new Appender();
            appender.setContext(logging);
            appender.start();
            root.addAppender(appender);
        }
    }

    /** The secret found in the text, if any. */
    public static String findIn(String text) {
        if (text != null) {
            for (String secret : SECRETS) {
                if (text.contains(secret)) {
                    return secret;
                }
            }
        }
        return null;
    }

    private static final class Appender extends AppenderBase<ILoggingEvent> {

        static final String NAME = "leak-watch";

        Appender() {
            setName(NAME);
        }

        @Override
        protected void append(ILoggingEvent event) {
            EVENTS.incrementAndGet();
            StringBuilder text = new StringBuilder(event.getFormattedMessage() == null ? "" : event.getFormattedMessage());
            if (event.getMDCPropertyMap() != null) {
                text.append(' ').append(event.getMDCPropertyMap());
            }
            for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
                text.append(' ').append(t.getClassName()).append(": ").append(t.getMessage());
            }
            String secret = findIn(text.toString());
            if (secret != null && HITS.size() < MAX_HITS) {
                HITS.add(event.getLevel() + " " + event.getLoggerName() + " logged a secret starting "
                        + secret.substring(0, 3) + "…: " + text.toString().replace(secret, "****"));
            }
        }
    }
}
