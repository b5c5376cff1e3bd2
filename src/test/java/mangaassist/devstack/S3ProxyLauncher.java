package mangaassist.devstack;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the S3Proxy child process ({@link S3ProxyBackend}): runs S3Proxy's own main, and exits as soon as its
 * standard input ends. The parent JVM holds the other end of that pipe, so the child goes with it however the parent
 * ends, {@code kill -9} included (a shutdown hook, the stack's way for redis-server, does not run then).
 *
 * <p>Loaded from the test classes next to S3Proxy's jar; it needs nothing but the JDK.
 */
public final class S3ProxyLauncher {

    static final String S3PROXY_MAIN = "org.gaul.s3proxy.Main";

    private S3ProxyLauncher() {
    }

    public static void main(String[] args) throws Exception {
        Thread watchdog = new Thread(() -> {
            try (InputStream parent = System.in) {
                while (parent.read() >= 0) {
                    // the parent writes nothing; a byte changes nothing
                }
            } catch (IOException e) {
                // a broken pipe is the parent gone as well
            }
            Runtime.getRuntime().halt(0);
        }, "s3proxy-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        Class.forName(S3PROXY_MAIN).getMethod("main", String[].class).invoke(null, (Object) args);
    }
}
