package mangaassist.platform;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Where the AWS services are. With no access key the default credentials chain is used, and a
 * service with no entry under {@code endpoints} talks to the real AWS endpoint of the region.
 *
 * @param region    AWS region, e.g. ap-northeast-1
 * @param accessKey static access key (emulators only; leave empty on AWS)
 * @param secretKey static secret key (emulators only)
 * @param endpoints endpoint override per service: sqs, dynamodb, eventbridge, bedrock
 */
@ConfigurationProperties("mangaassist.aws")
public record AwsProperties(String region, String accessKey, String secretKey, Map<String, URI> endpoints) {

    public AwsProperties {
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
    }

    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.get(service));
    }

    public boolean hasStaticCredentials() {
        return accessKey != null && !accessKey.isBlank();
    }
}
