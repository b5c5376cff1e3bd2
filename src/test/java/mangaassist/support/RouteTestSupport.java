package mangaassist.support;

import mangaassist.MangaAssistApplication;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;

/**
 * Base of route tests: the application's routes with their external endpoints replaced by mocks
 * (AdviceWith), no backend running. Subclasses replace endpoints in {@link #advise(CamelContext)}, which
 * runs once, before the Camel context starts; mocks are reset before each test.
 *
 * <p>Each route test class gets its own Spring context (it changes routes), so keep them few: one per
 * flow. Flow behaviour on real backends belongs in {@link FlowTest}s.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = MangaAssistApplication.class, properties = {
        // no backend: nothing to provision, and the WebSocket server takes any free port
        "mangaassist.topology.provision=false",
        "mangaassist.chat.websocket.port=0"})
@ActiveProfiles("embedded")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class RouteTestSupport {

    @Autowired
    protected CamelContext camelContext;
    @Autowired
    protected ProducerTemplate template;

    /** Replaces the external endpoints of the routes under test, e.g. with {@code weaveByToUri(...).replace()}. */
    protected abstract void advise(CamelContext context) throws Exception;

    /** JUnit makes a test instance per method; the Spring (and Camel) context lives for the class. */
    private static CamelContext advised;

    @BeforeEach
    void adviseOnceThenStart() throws Exception {
        if (advised != camelContext) {
            advise(camelContext);
            camelContext.start();
            advised = camelContext;
        }
        MockEndpoint.resetMocks(camelContext);
    }
}
