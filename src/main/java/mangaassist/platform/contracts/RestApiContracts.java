package mangaassist.platform.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.rest.ParamDefinition;
import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.RestParamType;
import org.apache.camel.model.rest.VerbDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.stereotype.Component;
import org.yaml.snakeyaml.Yaml;

/**
 * Adds to each REST route's definition what {@code contracts/rest-api.yaml} says of it: its request body's schema and
 * every answer with its schema and error codes, so that camel-openapi-java's document (/api/api-doc) describes every
 * error code. One catalogue beside the routes rather than response messages in each REST definition: the flows'
 * REST DSL stays as it is, and one test sees every route's entry.
 */
@Component
public class RestApiContracts implements CamelContextConfiguration {

    public static final String CATALOGUE = "contracts/rest-api.yaml";
    static final String SCHEMAS_URL = "/schemas/";

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

    @Override
    public void beforeApplicationStart(CamelContext camelContext) {
        // the REST definitions are all loaded (YAML too) once the context has started
    }

    @Override
    public void afterApplicationStart(CamelContext camelContext) {
        Map<String, Entry> catalogue = load();
        for (RestDefinition rest : camelContext.getCamelContextExtension().getContextPlugin(Model.class).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                Entry entry = catalogue.get(verb.getRouteId());
                if (entry != null) {
                    describe(verb, entry);
                }
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
        entry.responses().forEach((status, answer) -> {
            if (responses.stream().noneMatch(r -> status.equals(r.getCode()))) {
                ResponseMessageDefinition response = new ResponseMessageDefinition();
                response.setCode(status);
                response.setContentType("application/json");
                response.setMessage(answer.message());
                responses.add(response);
            }
        });
        if (responses.stream().noneMatch(r -> "500".equals(r.getCode()))) {
            ResponseMessageDefinition internal = new ResponseMessageDefinition();
            internal.setCode("500");
            internal.setContentType("application/json");
            internal.setMessage(new Answer("error-body.v1.json", "Anything unexpected", List.of("INTERNAL")).message());
            responses.add(internal);
        }
        verb.setResponseMsgs(responses);
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
