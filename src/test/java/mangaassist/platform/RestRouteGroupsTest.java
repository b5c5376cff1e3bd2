package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.junit.jupiter.api.Test;

class RestRouteGroupsTest {

    final RestRouteGroups groups = new RestRouteGroups();

    static RouteDefinition restRoute(String tag) {
        RestDefinition rest = new RestDefinition();
        rest.setPath("/things");
        rest.setTag(tag);
        rest.get("/{id}").description("One thing by its id").routeId("things-api-get");
        RouteDefinition route = new RouteDefinition("direct:things");
        route.routeId("things-api-get");
        route.setRestDefinition(rest);
        return route;
    }

    @Test
    void aRestRouteJoinsItsTagsGroupWithItsVerbsDescription() {
        RouteDefinition route = restRoute("things");
        groups.onAddRouteDefinition(route);
        assertThat(route.getGroup()).isEqualTo("things");
        assertThat(route.getDescriptionText()).isEqualTo("One thing by its id");
    }

    @Test
    void aRestDefinitionWithoutTagFailsTheStartNamingIt() {
        assertThatThrownBy(() -> groups.onAddRouteDefinition(restRoute(null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("/things").hasMessageContaining("things-api-get").hasMessageContaining("tag");
    }

    @Test
    void otherRoutesAndExplicitGroupsAreLeftAlone() {
        RouteDefinition plain = new RouteDefinition("direct:x");
        groups.onAddRouteDefinition(plain);
        assertThat(plain.getGroup()).isNull();
        RouteDefinition grouped = restRoute(null);
        grouped.setGroup("mine");
        groups.onAddRouteDefinition(grouped);
        assertThat(grouped.getGroup()).isEqualTo("mine");
    }
}
