package mangaassist.platform;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsAsyncClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One AWS SDK client per service, built from {@code mangaassist.aws.*}. Camel's aws2-sqs, aws2-ddb,
 * aws2-ddbstream, aws2-eventbridge, aws2-s3, aws2-sns and aws-bedrock components autowire these beans, so no route
 * carries an endpoint, a region or a key.
 */
@Configuration(proxyBeanMethods = false)
public class AwsClientsConfiguration {

    private final AwsProperties aws;

    public AwsClientsConfiguration(AwsProperties aws) {
        this.aws = aws;
    }

    @Bean(destroyMethod = "close")
    public SqsClient sqsClient() {
        return sync(SqsClient.builder(), "sqs").build();
    }

    @Bean(destroyMethod = "close")
    public DynamoDbClient dynamoDbClient() {
        return sync(DynamoDbClient.builder(), "dynamodb").build();
    }

    @Bean(destroyMethod = "close")
    public DynamoDbStreamsClient dynamoDbStreamsClient() {
        // DynamoDB Streams is served by the same endpoint as DynamoDB on every emulator we use
        return sync(DynamoDbStreamsClient.builder(), "dynamodb").build();
    }

    @Bean(destroyMethod = "close")
    public EventBridgeClient eventBridgeClient() {
        return sync(EventBridgeClient.builder(), "eventbridge").build();
    }

    /** The deferred flow's SNS callbacks (aws profile); created everywhere, used only where sns: targets are on. */
    @Bean(destroyMethod = "close")
    public SnsClient snsClient() {
        return sync(SnsClient.builder(), "sns").build();
    }

    @Bean(destroyMethod = "close")
    public S3Client s3Client() {
        S3ClientBuilder builder = sync(S3Client.builder(), "s3").forcePathStyle(aws.s3().pathStyle());
        if (aws.s3().region() != null) {
            builder.region(Region.of(aws.s3().region()));
        }
        if (aws.s3().checksumsWhenRequired()) {
            builder.requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return builder.build();
    }

    @Bean(destroyMethod = "close")
    public BedrockRuntimeClient bedrockRuntimeClient() {
        // no SDK retries: the chat flow has a time budget and falls back to another model itself
        return sync(BedrockRuntimeClient.builder(), "bedrock")
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @Bean(destroyMethod = "close")
    public BedrockRuntimeAsyncClient bedrockRuntimeAsyncClient() {
        return async(BedrockRuntimeAsyncClient.builder(), "bedrock")
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    /** The HTTP client is named explicitly: tests put a second implementation on the classpath. */
    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B sync(B builder, String service) {
        return configure(builder.httpClientBuilder(ApacheHttpClient.builder()), service);
    }

    private <B extends AwsClientBuilder<B, ?> & AwsAsyncClientBuilder<B, ?>> B async(B builder, String service) {
        return configure(builder.httpClientBuilder(NettyNioAsyncHttpClient.builder()), service);
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder, String service) {
        builder.region(Region.of(aws.region())).credentialsProvider(credentials());
        aws.endpoint(service).map(URI::normalize).ifPresent(builder::endpointOverride);
        return builder;
    }

    private AwsCredentialsProvider credentials() {
        if (aws.hasStaticCredentials()) {
            return StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKey(), aws.secretKey()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
