package mangaassist.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import mangaassist.MangaAssistApplication;
import mangaassist.devstack.EmbeddedStackInitializer;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * A flow test: the whole application on the embedded stack (ephemeral ports, one stack per JVM).
 * Every flow test uses exactly this configuration, so Spring starts the application once and shares
 * it: do not add @MockBean, properties or @DirtiesContext here (each variant starts another app).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@CamelSpringBootTest
@AutoConfigureObservability
@SpringBootTest(classes = MangaAssistApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            // the ERP's failure paths are tested in seconds, not minutes: same behaviour, shorter waits
            "mangaassist.inventory.erp.timeout=1s",
            "mangaassist.inventory.erp.retry-delay=50ms",
            "mangaassist.inventory.erp.breaker.wait-in-open=1s",
            // unlike the chat's own TTL, so that tests can tell which one an answer was cached for
            "mangaassist.chat.inventory.cache-ttl=240s",
            // catalog-sync's reconciliation counts OpenSearch until it matches DynamoDB or stops moving this long: other
            // tests' products that the quality gate rejects keep the counts apart, so every run waited the 20 s in full
            "mangaassist.catalog-sync.reconciliation.settle-quiet=6s",
            "mangaassist.catalog-sync.reconciliation.settle-poll=1s",
            // a deferred job's callback that hangs is given up in seconds, not 23 s: same behaviour, shorter waits
            "mangaassist.deferred.callback.timeout-ms=1000",
            "mangaassist.deferred.callback.retry-delay-ms=100",
            // leadership of the master: routes (catalog-cdc's stream consumer) in a root of this test JVM: the default
            // root is shared by every MangaAssist of the host, and another one's lead would stall this one's catalog
            "mangaassist.cluster.root=${java.io.tmpdir}/mangaassist-flow-tests-${random.uuid}",
            // known secrets, watched for in the logs, error bodies and metrics (LeakWatch, SecurityFlowTest); the
            // embedded backends take any AWS keys
            "mangaassist.aws.access-key=AKIAFLOWTESTWATCHED01",
            "mangaassist.aws.secret-key=flow-test-aws-secret-key-watched",
            // a key with one scope, to see the others refused (403)
            "mangaassist.security.keys.flow-test-enqueue-only.value=flow-test-enqueue-only-key",
            "mangaassist.security.keys.flow-test-enqueue-only.scopes=enqueue"})
@ActiveProfiles("embedded")
@ContextConfiguration(initializers = {LeakWatch.class, EmbeddedStackInitializer.class})
public @interface FlowTest {
}
