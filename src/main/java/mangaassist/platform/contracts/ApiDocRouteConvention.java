package mangaassist.platform.contracts;

import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.springframework.stereotype.Component;

/**
 * Camel generates the route that serves the OpenAPI document (from {@code rest-api:<camel.rest.api-context-path>}).
 * The rest configuration names it ({@code camel.rest.api-context-route-id: contracts-api-doc}) but cannot give it a
 * group or a description, which every route has (Hawtio, metrics, RouteConventionsTest): they are set here, as the
 * definition is added, before the route is built. Camel registers this bean from the registry (a
 * ModelLifecycleStrategy) before any route is added.
 */
@Component
public class ApiDocRouteConvention extends ModelLifecycleStrategySupport {

    static final String GROUP = "contracts";

    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        String from = route.getInput() == null ? null : route.getInput().getEndpointUri();
        if (from != null && from.startsWith("rest-api:")) {
            route.setGroup(GROUP);
            route.setDescription("GET /api/api-doc: the OpenAPI 3.1 document of every REST route (camel-openapi-java),"
                    + " with each answer's schema and error codes (contracts/rest-api.yaml)");
        }
    }
}
