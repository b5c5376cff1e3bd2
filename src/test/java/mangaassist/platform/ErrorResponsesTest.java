package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;

/** The error body's metric: the flow is the failing route's group, whatever its id begins with. */
class ErrorResponsesTest {

    @Test
    void theFlowTagIsTheRouteGroupNotTheRouteIdsFirstWord() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ErrorResponses responses = new ErrorResponses(meters);
        try (DefaultCamelContext camel = answering(responses, new RouteBuilder() {
                @Override
                public void configure() {
                    onException(Exception.class).handled(true).bean("errorResponses", "toJson");
                    from("direct:events").routeId("inventory-events-publish").routeGroup("inventory-events")
                            .throwException(new ApiException("EVENT_INVALID", 400, "bad event"));
                    from("direct:rest").routeId("catalog-api-search")
                            .throwException(new IllegalStateException("boom"));
                }
            })) {
            camel.createProducerTemplate().send("direct:events", e -> { });
            camel.createProducerTemplate().send("direct:rest", e -> { });
        }
        assertThat(meters.get("mangaassist.errors").tag("flow", "inventory-events").tag("code", "EVENT_INVALID")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("mangaassist.errors").tag("flow", "catalog").tag("code", "INTERNAL").counter().count())
                .as("a route without a group: its id's first word").isEqualTo(1);
    }

    @Test
    void theRequestIdIsTheClientsElseTheExchangesOwnWhichItsLogLinesCarry() throws Exception {
        ErrorResponses responses = new ErrorResponses(new SimpleMeterRegistry());
        try (DefaultCamelContext camel = answering(responses, new RouteBuilder() {
                @Override
                public void configure() {
                    onException(Exception.class).handled(true).bean("errorResponses", "toJson");
                    from("direct:fail").routeId("catalog-search-query").throwException(new ApiException("BAD", 400, "bad"));
                }
            })) {
            org.apache.camel.Exchange anonymous = camel.createProducerTemplate().send("direct:fail", e -> { });
            assertThat(anonymous.getMessage().getBody(String.class))
                    .contains("\"requestId\":\"" + anonymous.getExchangeId() + "\"");
            org.apache.camel.Exchange identified = camel.createProducerTemplate().send("direct:fail",
                    e -> e.setProperty(ErrorResponses.REQUEST_ID, "client-42"));
            assertThat(identified.getMessage().getBody(String.class)).contains("\"requestId\":\"client-42\"");
        }
    }

    /** A started Camel context with the routes, whose onException answers through {@code errorResponses}. */
    private static DefaultCamelContext answering(ErrorResponses responses, RouteBuilder routes) throws Exception {
        DefaultCamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("errorResponses", responses);
        camel.addRoutes(routes);
        camel.start();
        return camel;
    }
}
