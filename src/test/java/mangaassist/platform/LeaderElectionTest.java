package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code master:} route runs on one instance at a time, and on another when its leader stops. Two Camel contexts
 * stand for two instances on one host: each has its own file-lock cluster service on a shared directory, as the
 * embedded and localstack profiles configure it (in one JVM the JVM's own lock table stands in for the OS lock).
 */
class LeaderElectionTest {

    static final Duration TIMEOUT = Duration.ofSeconds(20);
    static final String NAMESPACE = "leader-test";

    @TempDir
    Path clusterRoot;

    /** the instance that ran each exchange of the master route, in the order they ran */
    final Queue<String> runs = new ConcurrentLinkedQueue<>();
    final List<CamelContext> started = new ArrayList<>();

    @AfterEach
    void stopInstances() {
        started.forEach(CamelContext::stop);
    }

    @Test
    void onlyTheLeaderRunsAMasterRouteAndTheOtherTakesOverWhenItStops() throws Exception {
        CamelContext a = instance("a");
        CamelContext b = instance("b");

        // while one instance's timer fires 20 times the other tries for the lock about 10 times
        await().atMost(TIMEOUT).until(() -> runs.size() >= 20);
        String first = runs.peek();
        CamelContext leader = first.equals("a") ? a : b;
        CamelContext follower = leader == a ? b : a;
        String second = follower == a ? "a" : "b";
        assertThat(List.copyOf(runs)).as("runs before the leader stops").containsOnly(first);
        assertThat(leads(leader)).isTrue();
        assertThat(leads(follower)).isFalse();

        leader.stop();

        await().atMost(TIMEOUT).until(() -> runs.contains(second));
        assertThat(leads(follower)).isTrue();
        // never both at once: every run of the first leader came before the first run of the second
        assertThat(turns(List.copyOf(runs))).containsExactly(first, second);
    }

    CamelContext instance(String name) throws Exception {
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setId(name);
        cluster.setRoot(clusterRoot.toString());
        // the application tries every 2 s; the same protocol at 100 ms keeps the test short
        cluster.setAcquireLockInterval(100, TimeUnit.MILLISECONDS);
        cluster.setAcquireLockDelay(100, TimeUnit.MILLISECONDS);

        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("instance-" + name);
        context.disableJMX();
        context.addService(cluster);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("master:" + NAMESPACE + ":timer:leader-test?period=50").routeId("leader-test")
                        .process(exchange -> runs.add(name));
            }
        });
        context.start();
        started.add(context);
        return context;
    }

    static boolean leads(CamelContext context) throws Exception {
        return context.hasService(FileLockClusterService.class).isLeader(NAMESPACE);
    }

    /** the instances in the order they ran the route, each once per unbroken series of runs */
    static List<String> turns(List<String> runs) {
        List<String> turns = new ArrayList<>();
        for (String run : runs) {
            if (turns.isEmpty() || !turns.get(turns.size() - 1).equals(run)) {
                turns.add(run);
            }
        }
        return turns;
    }
}
