package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import mangaassist.support.FlowTest;
import org.apache.camel.CamelContext;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What Hawtio and a newcomer rely on: every route, REST ones included, in its flow's group, described, named by its flow. */
@FlowTest
class RouteConventionsTest {

    @Autowired
    CamelContext camel;

    List<RouteDefinition> routes() {
        return camel.getCamelContextExtension().getContextPlugin(org.apache.camel.model.Model.class).getRouteDefinitions();
    }

    @Test
    void everyRouteHasItsFlowsGroupADescriptionAndAnIdOfThatFlow() {
        List<RouteDefinition> routes = routes();
        assertThat(routes).hasSizeGreaterThan(20);
        assertThat(routes).allSatisfy(route -> {
            assertThat(route.getGroup()).as(route.getRouteId() + " group").isNotBlank();
            assertThat(route.getRouteId()).as("route id").startsWith(route.getGroup() + "-");
            assertThat(route.getDescriptionText()).as(route.getRouteId() + " description").isNotBlank();
        });
    }

    @Test
    void restRoutesTakeTheirRestDefinitionsTagAsGroup() {
        List<RouteDefinition> rest = routes().stream().filter(route -> route.getRestDefinition() != null).toList();
        assertThat(rest).extracting(RouteDefinition::getRouteId)
                .contains("inventory-api-get", "inventory-api-batch", "chat-rest-api", "enrichment-api-submit", "dlq-api-reprocess");
        assertThat(rest).allSatisfy(route ->
                assertThat(route.getGroup()).as(route.getRouteId()).isEqualTo(route.getRestDefinition().getTag()));
        assertThat(camel.getRoute("inventory-api-get").getGroup()).isEqualTo("inventory");
    }
}
