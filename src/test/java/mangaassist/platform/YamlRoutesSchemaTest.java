package mangaassist.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersionDetector;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML route file is checked against the Camel YAML DSL JSON schema shipped in camel-yaml-dsl,
 * so a broken route file fails the build instead of the first run.
 */
class YamlRoutesSchemaTest {

    private static final Path ROUTES = Path.of("src/main/resources/camel");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = YamlRoutesSchemaTest.class.getResourceAsStream("/schema/camelYamlDsl.json")) {
            JsonNode node = new ObjectMapper().readTree(in);
            schema = JsonSchemaFactory.getInstance(SpecVersionDetector.detect(node)).getSchema(node);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(ROUTES)) {
            files = listing.filter(p -> p.getFileName().toString().endsWith(".camel.yaml")).sorted().toList();
        }
        assertThat(files).as("YAML route files under " + ROUTES).isNotEmpty();
        return files.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routeFiles")
    void routeFileMatchesTheCamelYamlDslSchema(Path file) throws IOException {
        Set<ValidationMessage> errors = schema.validate(YAML.readTree(file.toFile()));
        assertThat(errors).as(file + " against the Camel YAML DSL schema").isEmpty();
    }

    @Test
    void theSchemaCatchesAMisspelledStep() throws IOException {
        String broken = """
                - route:
                    id: broken-route
                    from:
                      uri: direct:start
                      steps:
                        - setBdy:
                            constant: oops
                """;
        assertThat(schema.validate(YAML.readTree(broken))).isNotEmpty();
    }
}
