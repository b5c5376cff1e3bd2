package mangaassist.platform.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import mangaassist.platform.RestServletProperties;
import mangaassist.platform.security.ApiSecurityProperties;
import mangaassist.platform.security.ProtectedPaths;
import org.apache.camel.model.ModelLifecycleStrategySupport;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.rest.ApiKeyDefinition;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.model.rest.RestSecuritiesDefinition;
import org.apache.camel.model.rest.RestSecurityDefinition;
import org.apache.camel.model.rest.SecurityDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.Yaml;

/**
 * Adds to each REST route's definition what {@code contracts/rest-api.yaml} says of it: its request body's schema and
 * every answer with its schema and error codes, so that camel-openapi-java's document (/api/api-doc) describes every
 * error code. One catalogue beside the routes rather than response messages in each REST definition: the flows'
 * REST DSL stays as it is, and one test sees every route's entry.
 *
 * <p>A route whose path needs an API key (mangaassist.security.scopes, enforced by ApiKeyFilter in front of the servlet)
 * gets the {@value #API_KEY} security scheme with its scope, and its 401 and 403 answers: the document says what the
 * filter enforces in this profile, from the same properties.
 */
@Component
public class RestApiContracts extends ModelLifecycleStrategySupport {

    public static final String CATALOGUE = "contracts/rest-api.yaml";
    static final String SCHEMAS_URL = "/schemas/";
    /** The OpenAPI security scheme of the API keys. */
    public static final String API_KEY = "apiKey";

    /** One REST route's entry: its request schema (or null) and its answers by HTTP status. */
    public record Entry(String request, Map<String, Answer> responses) {
    }

    /** An answer: its schema (or null), what it means, and for an error every code it carries. */
    public record Answer(String schema, String description, List<String> codes) {

        String message() {
            StringBuilder text = new StringBuilder();
            if (description != null) {
                text.append(description);
            }
            if (!codes.isEmpty()) {
                text.append(text.length() > 0 ? ". " : "").append("Codes: ").append(String.join(", ", codes));
            }
            if (schema != null) {
                text.append(text.length() > 0 ? ". " : "").append("Body: ").append(SCHEMAS_URL).append(schema);
            }
            return text.toString();
        }
    }

    private final Map<String, Entry> catalogue = load();
    private final ProtectedPaths protectedPaths;
    private final String keyHeader;
    private final String servletPath;

    public RestApiContracts(ApiSecurityProperties security, RestServletProperties rest) {
        this.protectedPaths = new ProtectedPaths(security.publicPaths(), security.scopes(), security.publicScopes());
        this.keyHeader = security.header();
        // "/api/*" -> "/api": the filter sees a REST route's path below the servlet's mapping
        this.servletPath = rest.path().replaceAll("/\\*+$", "");
    }

    /**
     * A REST route's definition is being added (before it is built): its verb gets the catalogue's entry and, behind
     * an API key, its security requirement. Here, whoever starts the context: with an after-start callback the
     * flow tests' document (their context is started by Camel's test listener) had none of the catalogue's answers.
     */
    @Override
    public void onAddRouteDefinition(RouteDefinition route) {
        RestDefinition rest = route.getRestDefinition();
        if (rest == null || route.getRouteId() == null) {
            return;
        }
        for (VerbDefinition verb : rest.getVerbs()) {
            if (route.getRouteId().equals(verb.getRouteId())) {
                Entry entry = catalogue.get(verb.getRouteId());
                if (entry != null) {
                    describe(verb, entry);
                }
                protectedPaths.requiredScope(servletPath + join(rest.getPath(), verb.getPath()))
                        .ifPresent(scope -> secure(rest, verb, scope));
            }
        }
    }

    static void describe(VerbDefinition verb, Entry entry) {
        if (entry.request() != null && verb.getParams().stream().noneMatch(p -> p.getType() == RestParamType.body)) {
            ParamDefinition body = new ParamDefinition();
            body.setName("body");
            body.setType(RestParamType.body);
            body.setRequired(true);
            body.setDescription("JSON Schema: " + SCHEMAS_URL + entry.request());
            List<ParamDefinition> params = new ArrayList<>(verb.getParams());
            params.add(body);
            verb.setParams(params);
        }
        List<ResponseMessageDefinition> responses = new ArrayList<>(verb.getResponseMsgs());
        entry.responses().forEach((status, answer) -> addAnswer(responses, status, answer));
        addAnswer(responses, "500", new Answer("error-body.v1.json", "Anything unexpected", List.of("INTERNAL")));
        verb.setResponseMsgs(responses);
    }

    private static String join(String restPath, String verbPath) {
        String base = restPath == null ? "" : restPath;
        String tail = verbPath == null ? "" : verbPath;
        if (!base.isEmpty() && !base.startsWith("/")) {
            base = "/" + base;
        }
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        return tail.isEmpty() ? base : base + (tail.startsWith("/") ? tail : "/" + tail);
    }

    /** The route needs a key with this scope: the security scheme on its REST definition, the requirement and answers on the verb. */
    void secure(RestDefinition rest, VerbDefinition verb, String scope) {
        RestSecuritiesDefinition schemes = rest.getSecurityDefinitions();
        if (schemes == null) {
            schemes = new RestSecuritiesDefinition(rest);
            rest.setSecurityDefinitions(schemes);
        }
        if (schemes.getSecurityDefinitions().stream().noneMatch(d -> API_KEY.equals(d.getKey()))) {
            ApiKeyDefinition apiKey = new ApiKeyDefinition(rest);
            apiKey.setKey(API_KEY);
            apiKey.setName(keyHeader);
            apiKey.setInHeader("true");
            apiKey.setDescription("An API key in the " + keyHeader + " header (or as the password of HTTP Basic);"
                    + " each key has scopes, and each protected route names the scope it needs");
            List<RestSecurityDefinition> definitions =
                    new ArrayList<>(schemes.getSecurityDefinitions());
            definitions.add(apiKey);
            schemes.setSecurityDefinitions(definitions);
        }
        if (verb.getSecurity().stream().noneMatch(s -> API_KEY.equals(s.getKey()))) {
            SecurityDefinition requirement = new SecurityDefinition();
            requirement.setKey(API_KEY);
            requirement.setScopes(scope);
            List<SecurityDefinition> security = new ArrayList<>(verb.getSecurity());
            security.add(requirement);
            verb.setSecurity(security);
        }
        List<ResponseMessageDefinition> responses = new ArrayList<>(verb.getResponseMsgs());
        addAnswer(responses, "401", new Answer("error-body.v1.json",
                "No API key, or not a known one (" + keyHeader + " header)", List.of("API_KEY_REQUIRED", "API_KEY_INVALID")));
        addAnswer(responses, "403", new Answer("error-body.v1.json",
                "The API key lacks the scope " + scope, List.of("FORBIDDEN")));
        verb.setResponseMsgs(responses);
    }

    /** The answer for this status, or the catalogue's words on the REST DSL's own answer when it has none. */
    private static void addAnswer(List<ResponseMessageDefinition> responses, String status, Answer answer) {
        Optional<ResponseMessageDefinition> existing = responses.stream().filter(r -> status.equals(r.getCode())).findFirst();
        if (existing.isPresent()) {
            if (existing.get().getMessage() == null || existing.get().getMessage().isBlank()) {
                existing.get().setMessage(answer.message());
            }
            return;
        }
        ResponseMessageDefinition response = new ResponseMessageDefinition();
        response.setCode(status);
        response.setContentType("application/json");
        response.setMessage(answer.message());
        responses.add(response);
    }

    /** The catalogue: route id → entry. */
    @SuppressWarnings("unchecked")
    public static Map<String, Entry> load() {
        try (InputStream in = RestApiContracts.class.getClassLoader().getResourceAsStream(CATALOGUE)) {
            if (in == null) {
                throw new IllegalStateException("No " + CATALOGUE + " on the classpath");
            }
            Map<String, Map<String, Object>> raw = new Yaml().load(in);
            Map<String, Entry> catalogue = new LinkedHashMap<>();
            raw.forEach((routeId, value) -> {
                Map<String, Answer> responses = new LinkedHashMap<>();
                ((Map<String, Map<String, Object>>) value.getOrDefault("responses", Map.of())).forEach((status, answer) ->
                        responses.put(String.valueOf(status), new Answer((String) answer.get("schema"),
                                (String) answer.get("description"),
                                List.copyOf((List<String>) answer.getOrDefault("codes", List.of())))));
                catalogue.put(routeId, new Entry((String) value.get("request"), responses));
            });
            return catalogue;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
