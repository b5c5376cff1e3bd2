package mangaassist.operations;

import java.nio.file.Path;

import mangaassist.platform.TopologyProperties;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.DefaultResourceLoader;

/** The files of ops/ and what application.yaml says for a profile, read as the application reads it. */
final class OpsConfig {

    static final Path OPS = Path.of("ops");
    static final Path TEMPLATE = OPS.resolve("cloudformation/mangaassist.yaml");

    private OpsConfig() {
    }

    static StandardEnvironment environment(String profile) {
        StandardEnvironment environment = new StandardEnvironment();
        ConfigDataEnvironmentPostProcessor.applyTo(environment, new DefaultResourceLoader(), null, profile);
        return environment;
    }

    /** platform/topology.yaml bound as TopologyProvisioner gets it, in the profile (the aws profile: faiss). */
    static TopologyProperties topology(String profile) {
        return Binder.get(environment(profile)).bind("mangaassist.topology", TopologyProperties.class).get();
    }
}
