package mangaassist.platform;

import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.stereotype.Component;

/**
 * Puts the routes the REST DSL generates (one per verb) in their flow's group, the REST definition's tag, and gives
 * them their verb's description: the REST DSL has no {@code routeGroup} of its own, and a route without a group is an orphan in Hawtio's per-flow views.
 * A REST definition without a tag fails the start, so that every new flow names its group. Camel main finds this
 * strategy in the registry and applies it as each route definition is added.
 */
@Component
public class RestRouteGroups extends ModelLifecycleStrategySupport {

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        RestDefinition rest = route.getRestDefinition();
        if (rest == null || route.getGroup() != null) {
            return;
        }
        String tag = rest.getTag();
        if (tag == null || tag.isBlank()) {
            throw new IllegalStateException("REST definition " + rest.getPath() + " (route " + route.getRouteId()
                    + ") has no tag: give it its flow's name, the group of its routes");
        }
        route.setGroup(tag);
        // the verb's description names the operation; the REST DSL puts it only into the endpoint's URI
        if (route.getDescriptionText() == null) {
            rest.getVerbs().stream()
                    .filter(verb -> route.getRouteId() != null && route.getRouteId().equals(verb.getRouteId()))
                    .map(VerbDefinition::getDescriptionText)
                    .filter(text -> text != null && !text.isBlank())
                    .findFirst()
                    .ifPresent(route::setDescription);
        }
    }
}
