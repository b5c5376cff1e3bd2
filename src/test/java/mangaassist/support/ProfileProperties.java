package mangaassist.support;

import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/** A property of application.yaml (with its imports) as Spring Boot reads it for a profile: no application started. */
public final class ProfileProperties {

    private ProfileProperties() {
    }

    public static String get(String profile, String name) {
        StandardEnvironment environment = new StandardEnvironment();
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), null, profile);
        return environment.getProperty(name);
    }
}
