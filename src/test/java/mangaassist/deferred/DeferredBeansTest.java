package mangaassist.deferred;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.enrichment.EnrichmentCatalog;
import mangaassist.enrichment.FieldError;
import mangaassist.platform.AsyncJobMetrics;
import mangaassist.platform.contracts.ContractViolationException;
import mangaassist.platform.contracts.Contracts;
import mangaassist.support.ProfileProperties;
import mangaassist.support.TestContracts;
import org.apache.camel.http.base.HttpOperationFailedException;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequest;

/** The deferred beans with the seed's cases (seed 000 §4.2) and the ones the seed got wrong. */
class DeferredBeansTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HAIKU = "anthropic.claude-3-haiku-20240307-v1:0";
    private static final String SONNET = "anthropic.claude-3-sonnet-20240229-v1:0";
    private static final Instant NOW = Instant.parse("2026-12-02T10:02:30Z");

    static DeferredProperties properties(boolean sns, List<String> allowedHosts) {
        return new DeferredProperties("manga-deferred-queue", "manga-deferred-dlq", "manga-catalog",
                new DeferredProperties.Inference(HAIKU, List.of(HAIKU, SONNET), 2048, 100),
                new DeferredProperties.Recommendations(HAIKU, 1024, 0.5, 3),
                new DeferredProperties.Callback(2000, 5000, 2, 1000, sns, allowedHosts));
    }

    private final DeferredProperties properties = properties(false, List.of());
    private final DeferredJobs jobs = new DeferredJobs(properties);
    private final DeferredQueues queues = Mockito.mock(DeferredQueues.class);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DeferredSteps steps = new DeferredSteps(properties, jobs, queues, new AsyncJobMetrics(meters));

    // --- reading a job (the API and the consumer alike)

    @Test
    void anInferenceJobTakesItsFieldsAndNeedsOnlyAPrompt() throws Exception {
        DeferredJobs.Read read = jobs.read(JSON.readTree("{\"jobType\":\"deferred_inference\",\"prompt\":\"hi\"}"));

        assertThat(read.valid()).isTrue();
        assertThat(read.job()).isEqualTo(new DeferredJob("deferred_inference", null, "hi", null, null, null, null));
    }

    @Test
    void everyInvalidFieldOfAnInferenceJobIsReported() throws Exception {
        DeferredJobs.Read read = jobs.read(JSON.readTree("{\"jobType\":\"deferred_inference\",\"jobId\":\"bad id\","
                + "\"prompt\":\"" + "x".repeat(101) + "\",\"modelId\":\"anthropic.claude-3-opus\",\"callbackUrl\":\"file:///etc/passwd\"}"));

        assertThat(read.job()).isNull();
        assertThat(read.errors()).extracting(FieldError::field).containsExactly("jobId", "prompt", "modelId", "callbackUrl");
    }

    @Test
    void aBatchRecommendationListsValidMangaIdsOnceEachWithinItsBound() throws Exception {
        DeferredJobs.Read ok = jobs.read(JSON.readTree("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"op-1\",\"nrt-2\",\"op-1\"]}"));
        DeferredJobs.Read tooMany = jobs.read(JSON.readTree("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"a\",\"b\",\"c\",\"d\"]}"));
        DeferredJobs.Read bad = jobs.read(JSON.readTree("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"op-1\",\"ワンピース\",7]}"));

        assertThat(ok.job().mangaIds()).containsExactly("op-1", "nrt-2");
        assertThat(tooMany.errors()).extracting(FieldError::error).containsExactly("must list at most 3 manga; this job lists 4");
        assertThat(bad.errors()).extracting(FieldError::field).containsExactly("mangaIds[1]", "mangaIds[2]");
    }

    @Test
    void aMissingOrUnknownJobTypeIsTheTypesFault() throws Exception {
        assertThat(jobs.read(JSON.readTree("{\"prompt\":\"x\"}")).unknownType()).isTrue();
        assertThat(jobs.read(JSON.readTree("{\"jobType\":\"summarise\"}")).unknownType()).isTrue();
        assertThat(jobs.read(JSON.readTree("{\"jobType\":\"batch_recommendation\"}")).unknownType()).isFalse();
    }

    @Test
    void aCallbackTargetIsAnHttpUrlWithAHostOrAnSnsTopicWhereSnsIsOn() {
        assertThat(jobs.callbackProblem("https://client.example/cb?token=1")).isNull();
        assertThat(jobs.callbackProblem("http://127.0.0.1:8089/cb")).isNull();
        assertThat(jobs.callbackProblem("ftp://client.example/cb")).isNotNull();
        assertThat(jobs.callbackProblem("http:///no-host")).isNotNull();
        assertThat(jobs.callbackProblem("http://user:pw@client.example/cb")).as("no credentials in a URL").isNotNull();
        assertThat(jobs.callbackProblem("sns:arn:aws:sns:ap-northeast-1:123456789012:manga-callbacks"))
                .contains("not available here");

        DeferredJobs aws = new DeferredJobs(properties(true, List.of("client.example")));
        assertThat(aws.callbackProblem("sns:arn:aws:sns:ap-northeast-1:123456789012:manga-callbacks")).isNull();
        assertThat(aws.callbackProblem("sns:arn:aws:sns:ap-northeast-1:12345:bad")).isNotNull();
        assertThat(aws.callbackProblem("https://client.example/cb")).isNull();
        assertThat(aws.callbackProblem("https://169.254.169.254/latest/meta-data")).contains("allowed callback hosts");
    }

    @Test
    void theApiGivesAJobAnIdAndItsRequestTime() {
        DeferredRequests requests = new DeferredRequests(jobs, Clock.fixed(NOW, ZoneOffset.UTC));

        DeferredJob job = requests.job("{\"jobType\":\"deferred_inference\",\"prompt\":\"hi\"}");
        DeferredJob named = requests.job("{\"jobType\":\"deferred_inference\",\"jobId\":\"mine-1\",\"prompt\":\"hi\"}");

        assertThat(job.jobId()).isNotBlank();
        assertThat(job.requestedAt()).isEqualTo(NOW.getEpochSecond());
        assertThat(named.jobId()).isEqualTo("mine-1");
        assertThatThrownBy(() -> requests.job("{not json")).isInstanceOf(DeferredRequestException.class)
                .extracting(e -> ((DeferredRequestException) e).code()).isEqualTo("INVALID_JSON");
        assertThatThrownBy(() -> requests.job("[1]")).extracting(e -> ((DeferredRequestException) e).code()).isEqualTo("INVALID_JOB");
    }

    // --- the consumer's steps

    @Test
    void aMessageIsReadIntoATaskOrItsRejection() throws Exception {
        DeferredTask ok = steps.received("{\"jobType\":\"deferred_inference\",\"prompt\":\"hi\"}", "msg-1", "2");
        // what the schema leaves to the configuration: the models
        DeferredTask invalid = steps.received("{\"jobType\":\"deferred_inference\",\"prompt\":\"x\",\"modelId\":\"gpt\"}", "msg-5", "1");

        assertThat(ok.rejected()).isFalse();
        assertThat(ok.job().jobId()).as("a job without an id takes its message id").isEqualTo("msg-1");
        assertThat(ok.receiveCount()).isEqualTo(2);
        assertThat(invalid.rejection()).isEqualTo("INVALID_FIELDS: modelId must be one of " + HAIKU + "|" + SONNET + ";");
        assertThat(invalid.typeTag()).isEqualTo("unknown");
    }

    /** A body that breaks deferred-job.v1 (the route's json-validator): its reason; an unknown type keeps its code. */
    @Test
    void aMessageThatBreaksItsSchemaIsRejectedWithTheFieldPaths() {
        DeferredTask unreadable = violated("{oops", "msg-2");
        DeferredTask unknown = violated("{\"jobType\":\"summarise\"}", "msg-3");
        DeferredTask untyped = violated("{\"prompt\":\"x\"}", "msg-4");
        DeferredTask invalid = violated("{\"jobType\":\"batch_recommendation\",\"mangaIds\":[\"a/b\"]}", "msg-5");

        assertThat(unreadable.rejection()).isEqualTo("INVALID_BODY: not a JSON object; [deferred-job.v1.json]");
        // the seed only logged an unknown job type, and the message was deleted: lost
        assertThat(unknown.rejection()).isEqualTo("UNKNOWN_JOB_TYPE: jobType 'summarise' (known: deferred_inference|batch_recommendation)"
                + " [deferred-job.v1.json]");
        assertThat(untyped.rejection()).startsWith("UNKNOWN_JOB_TYPE: jobType none");
        assertThat(invalid.rejection()).isEqualTo("INVALID_FIELDS: mangaIds[0] does not match the regex pattern"
                + " ^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$; [deferred-job.v1.json]");
        assertThat(invalid.messageId()).isEqualTo("msg-5");
        assertThat(invalid.job()).isNull();
    }

    private DeferredTask violated(String body, String messageId) {
        try {
            TestContracts.contracts().check(body, "deferred-job.v1.json", null);
        } catch (ContractViolationException violation) {
            return steps.violated(body, violation, messageId, "1");
        }
        throw new AssertionError("the schema accepts " + body);
    }

    @Test
    void theInferenceRequestIsTheSeedsWithTheJobsModelOrHaiku() throws Exception {
        DeferredTask task = steps.received("{\"jobType\":\"deferred_inference\",\"prompt\":\"ワンピース\"}", "m", "1");
        DeferredTask sonnet = steps.received("{\"jobType\":\"deferred_inference\",\"prompt\":\"x\",\"modelId\":\"" + SONNET + "\"}", "m", "1");

        InvokeModelRequest request = steps.inferenceRequest(task);

        assertThat(request.modelId()).isEqualTo(HAIKU);
        JsonNode body = JSON.readTree(request.body().asUtf8String());
        assertThat(body.path("anthropic_version").asText()).isEqualTo("bedrock-2023-05-31");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(2048);
        assertThat(body.path("messages").path(0).path("content").asText()).isEqualTo("ワンピース");
        assertThat(steps.inferenceRequest(sonnet).modelId()).isEqualTo(SONNET);
    }

    @Test
    void aRejectedMessageGoesToTheDlqWithItsReasonSourceAndType() throws Exception {
        Mockito.when(queues.deadLetters()).thenReturn("http://sqs/manga-deferred-dlq");
        DeferredTask task = steps.received("{\"jobType\":\"deferred_inference\",\"prompt\":\"x\"}", "msg-9", "1")
                .rejectedFor("CALLBACK_REFUSED: HTTP 404 from http://client.example");

        steps.rejected(task);
        SendMessageBatchRequest request = steps.deadLetterRequest(task);

        var entry = request.entries().get(0);
        assertThat(request.queueUrl()).endsWith("manga-deferred-dlq");
        assertThat(entry.messageBody()).isEqualTo("{\"jobType\":\"deferred_inference\",\"prompt\":\"x\"}");
        assertThat(entry.messageGroupId()).isNull();
        assertThat(entry.messageAttributes().get(DeferredSteps.ATTRIBUTE_REASON).stringValue()).startsWith("CALLBACK_REFUSED");
        assertThat(entry.messageAttributes().get(DeferredSteps.ATTRIBUTE_SOURCE_MESSAGE).stringValue()).isEqualTo("msg-9");
        assertThat(entry.messageAttributes().get(DeferredSender.ATTRIBUTE_JOB_TYPE).stringValue()).isEqualTo("deferred_inference");
        assertThat(meters.get(AsyncJobMetrics.ERRORS).tag("flow", "deferred").tag("code", "CALLBACK_REFUSED").counter().count()).isOne();
        assertThat(meters.get(AsyncJobMetrics.JOB_DURATION).tag("flow", "deferred").tag("type", "deferred_inference")
                .tag("status", "failure").timer().count()).isOne();
    }

    // --- boundaries: the model, the callback

    @Test
    void aRequestTheModelRefusesIsPermanentAnyOtherModelFailureIsNot() {
        Exception refused = ValidationException.builder().awsErrorDetails(AwsErrorDetails.builder()
                .errorMessage("Input is too long for requested model.").build()).build();
        Exception throttled = ThrottlingException.builder().message("slow down").build();

        assertThat(DeferredModelAnswer.translate(refused)).isInstanceOf(DeferredRejectedException.class)
                .hasMessage("MODEL_REFUSED: Input is too long for requested model.");
        assertThat(DeferredModelAnswer.translate(throttled)).isSameAs(throttled);
        assertThatThrownBy(() -> DeferredModelAnswer.text(JSON.readTree("{\"content\":[]}"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCallbackRefusedWith4xxIsPermanentTimeoutsAnd5xxAreNotAndNoneNamesThePathOrQuery() {
        String target = DeferredCallbacks.describe("https://client.example:8443/hooks/42?token=s3cret");
        assertThat(target).isEqualTo("https://client.example:8443");

        assertThat(DeferredCallbackOutcome.translate(failed(404), target)).isInstanceOf(DeferredRejectedException.class)
                .hasMessage("CALLBACK_REFUSED: HTTP 404 from https://client.example:8443");
        assertThat(DeferredCallbackOutcome.translate(failed(301), target)).as("redirects are not followed")
                .isInstanceOf(DeferredRejectedException.class);
        assertThat(DeferredCallbackOutcome.translate(failed(429), target)).isInstanceOf(DeferredCallbackException.class);
        assertThat(DeferredCallbackOutcome.translate(failed(408), target)).isInstanceOf(DeferredCallbackException.class);
        assertThat(DeferredCallbackOutcome.translate(failed(502), target)).isInstanceOf(DeferredCallbackException.class)
                .hasMessage("CALLBACK_FAILED: HTTP 502 from https://client.example:8443");
        assertThat(DeferredCallbackOutcome.translate(new SocketTimeoutException("Read timed out"), target))
                .hasMessage("CALLBACK_FAILED: SocketTimeoutException calling https://client.example:8443");
        assertThat(DeferredCallbackOutcome.translate(new IOException("x"), "sns:arn:aws:sns:r:1:t")).isInstanceOf(DeferredCallbackException.class);
    }

    @Test
    void thePayloadIsTheSeeds() throws Exception {
        DeferredProperties aws = properties(true, List.of());
        DeferredSteps awsSteps = new DeferredSteps(aws, new DeferredJobs(aws), queues, new AsyncJobMetrics(meters));
        DeferredTask task = awsSteps.received("{\"jobType\":\"deferred_inference\",\"jobId\":\"j-1\",\"prompt\":\"x\","
                + "\"callbackUrl\":\"sns:arn:aws:sns:ap-northeast-1:123456789012:t\"}", "m", "1").withResult("答え");
        DeferredCallbacks callbacks = new DeferredCallbacks();

        assertThat(JSON.readTree(callbacks.payload(task))).isEqualTo(JSON.readTree(
                "{\"status\":\"completed\",\"jobId\":\"j-1\",\"result\":\"答え\"}"));
        assertThat(task.callbackKind()).isEqualTo("sns");
        assertThat(callbacks.snsTopic(task)).isEqualTo("arn:aws:sns:ap-northeast-1:123456789012:t");
    }

    @Test
    void aCallbackHoldsAWorkerForABoundedTime() {
        // 3 tries of 2 s + 5 s, 2 pauses of 1 s
        assertThat(properties.callback().worstCaseMs()).isEqualTo(23_000);
    }

    // --- batch recommendations

    @Test
    void aBatchIsSplitIntoItsMangaWhoseTitlesComeFromTheCatalogAndWhoseAnswerIsStoredAsTheEnrichmentFlowDoes() throws Exception {
        EnrichmentCatalog catalog = Mockito.mock(EnrichmentCatalog.class);
        DeferredRecommendations recommendations = new DeferredRecommendations(properties, catalog, new AsyncJobMetrics(meters));
        DeferredTask task = steps.received("{\"jobType\":\"batch_recommendation\",\"jobId\":\"j\",\"mangaIds\":[\"op-1\",\"x-2\"]}", "m", "1");

        List<DeferredRecommendation> parts = recommendations.parts(task);
        DeferredRecommendation titled = recommendations.withTitles(parts.get(0),
                Map.of("title", AttributeValue.fromS("One Piece"), "titleJp", AttributeValue.fromS("ワンピース")));
        DeferredRecommendation unknown = recommendations.withTitles(parts.get(1), Map.of());

        assertThat(parts).extracting(DeferredRecommendation::mangaId).containsExactly("op-1", "x-2");
        assertThat(recommendations.key(parts.get(0))).isEqualTo(Map.of("mangaId", AttributeValue.fromS("op-1")));
        assertThat(titled.known()).isTrue();
        assertThat(unknown.known()).isFalse();
        JsonNode body = JSON.readTree(recommendations.modelRequest(titled).body().asUtf8String());
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(body.path("temperature").asDouble()).isEqualTo(0.5);
        assertThat(body.path("messages").path(0).path("content").asText())
                .startsWith("Based on this manga title, suggest 5 similar manga").contains("Title: One Piece", "Japanese Title: ワンピース");

        JsonNode answer = JSON.readTree("[{\"title_en\":\"Naruto\"}]");
        recommendations.store(titled.withRecommendations(answer));
        Mockito.verify(catalog).write("op-1", "recommendations", answer);
    }

    // --- configuration by profile

    @Test
    void snsCallbacksAreOnInTheAwsProfileOnly() {
        assertThat(ProfileProperties.get("embedded", "mangaassist.deferred.callback.sns-enabled")).isEqualTo("false");
        assertThat(ProfileProperties.get("localstack", "mangaassist.deferred.callback.sns-enabled")).isEqualTo("false");
        assertThat(ProfileProperties.get("aws", "mangaassist.deferred.callback.sns-enabled")).isEqualTo("true");
        assertThat(ProfileProperties.get("aws", "camel.component.http.response-timeout")).isEqualTo("5000");
    }

    private static HttpOperationFailedException failed(int status) {
        return new HttpOperationFailedException("https://client.example:8443/hooks/42?token=s3cret", status, "x", null, Map.of(), "");
    }
}
