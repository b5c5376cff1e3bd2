package mangaassist.platform;

import java.net.URI;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.streams.DynamoDbStreamsClient;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * One AWS SDK client per service, built from {@code mangaassist.aws.*}. Camel's aws2-sqs, aws2-ddb,
 * aws2-ddbstream, aws2-eventbridge and aws-bedrock components autowire these beans, so no route
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
        return configure(SqsClient.builder(), "sqs").build();
    }

    @Bean(destroyMethod = "close")
    public DynamoDbClient dynamoDbClient() {
        return configure(DynamoDbClient.builder(), "dynamodb").build();
    }

    @Bean(destroyMethod = "close")
    public DynamoDbStreamsClient dynamoDbStreamsClient() {
        // DynamoDB Streams is served by the same endpoint as DynamoDB on every emulator we use
        return configure(DynamoDbStreamsClient.builder(), "dynamodb").build();
    }

    @Bean(destroyMethod = "close")
    public EventBridgeClient eventBridgeClient() {
        return configure(EventBridgeClient.builder(), "eventbridge").build();
    }

    @Bean(destroyMethod = "close")
    public BedrockRuntimeClient bedrockRuntimeClient() {
        return configure(BedrockRuntimeClient.builder(), "bedrock").build();
    }

    @Bean(destroyMethod = "close")
    public BedrockRuntimeAsyncClient bedrockRuntimeAsyncClient() {
        return configure(BedrockRuntimeAsyncClient.builder(), "bedrock").build();
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
