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
 * @param endpoints endpoint override per service: sqs, dynamodb, eventbridge, bedrock, s3
 * @param s3        how the S3 client talks to its endpoint
 */
@ConfigurationProperties("mangaassist.aws")
public record AwsProperties(String region, String accessKey, String secretKey, Map<String, URI> endpoints, S3 s3) {

    public AwsProperties {
        endpoints = endpoints == null ? Map.of() : Map.copyOf(endpoints);
        s3 = s3 == null ? new S3(null, false, null) : s3;
    }

    /**
     * @param region    the S3 client's region, when not {@link #region()}: the SDK sends it as a new bucket's
     *                  LocationConstraint unless it is us-east-1, and S3Proxy refuses any
     * @param pathStyle path-style URLs ({@code http://host/bucket/key}): emulators have no host name per bucket
     * @param checksums {@code WHEN_SUPPORTED} (the SDK's default: a flexible checksum on every request and response) or
     *                  {@code WHEN_REQUIRED} (S3Proxy answers NotImplemented to those headers)
     */
    public record S3(String region, boolean pathStyle, String checksums) {
        public S3 {
            region = region == null || region.isBlank() ? null : region.strip();
            checksums = checksums == null || checksums.isBlank() ? "WHEN_SUPPORTED" : checksums.strip().toUpperCase();
            if (!checksums.equals("WHEN_SUPPORTED") && !checksums.equals("WHEN_REQUIRED")) {
                throw new IllegalArgumentException("mangaassist.aws.s3.checksums must be WHEN_SUPPORTED or WHEN_REQUIRED, not "
                        + checksums);
            }
        }

        public boolean checksumsWhenRequired() {
            return checksums.equals("WHEN_REQUIRED");
        }
    }

    public Optional<URI> endpoint(String service) {
        return Optional.ofNullable(endpoints.get(service));
    }

    public boolean hasStaticCredentials() {
        return accessKey != null && !accessKey.isBlank();
    }
}
