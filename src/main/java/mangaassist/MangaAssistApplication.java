package mangaassist;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * MangaAssist Integration: the Camel flows of the manga store chatbot.
 * Java DSL routes live in package {@code routes}, YAML DSL routes in {@code classpath:camel/}.
 */
@SpringBootApplication(scanBasePackages = {"mangaassist", "routes"})
@ConfigurationPropertiesScan("mangaassist")
public class MangaAssistApplication {

    public static void main(String[] args) {
        SpringApplication.run(MangaAssistApplication.class, args);
    }
}
