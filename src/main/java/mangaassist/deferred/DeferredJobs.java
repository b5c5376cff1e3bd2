package mangaassist.deferred;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import mangaassist.enrichment.EnrichmentIds;
import mangaassist.enrichment.FieldError;
import org.springframework.stereotype.Component;

/**
 * Reads a job from JSON and checks its fields, the same way for the API and for a message read off the queue (which
 * may come from another producer). Every invalid field is reported, not just the first.
 */
@Component("deferredJobs")
public class DeferredJobs {

    /** What a job id may be: it goes into logs, callbacks and metrics-free text. */
    static final Pattern JOB_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    /** {@code sns:arn:aws:sns:<region>:<account>:<topic>} (a FIFO topic ends in .fifo). */
    static final Pattern SNS_TARGET = Pattern.compile("sns:arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]{1,256}(\\.fifo)?");
    static final String SNS_PREFIX = "sns:";
    static final int MAX_URL_CHARS = 2048;

    /** A job read from JSON: the job when valid, else the field errors; {@code unknownType} when the type is the fault. */
    public record Read(DeferredJob job, List<FieldError> errors, boolean unknownType) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    private final DeferredProperties properties;

    public DeferredJobs(DeferredProperties properties) {
        this.properties = properties;
    }

    /** The job of a JSON object; {@code jobId} null when it names none (the caller gives it one). */
    public Read read(JsonNode root) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode type = root.get("jobType");
        if (absent(type) || !type.isTextual() || !DeferredJob.known(type.asText())) {
            errors.add(new FieldError("jobType", absent(type) ? "is required (" + DeferredJob.TYPES + ")"
                    : "must be one of " + DeferredJob.TYPES));
            return new Read(null, errors, true);
        }
        String jobId = null;
        JsonNode id = root.get("jobId");
        if (!absent(id)) {
            if (!id.isTextual() || !JOB_ID.matcher(id.asText()).matches()) {
                errors.add(new FieldError("jobId", "must be 1-128 ASCII letters, digits or . _ : - (starting with a letter or digit)"));
            } else {
                jobId = id.asText();
            }
        }
        Long requestedAt = root.path("requestedAt").canConvertToLong() ? root.path("requestedAt").asLong() : null;
        DeferredJob job = DeferredJob.INFERENCE.equals(type.asText())
                ? inference(root, jobId, requestedAt, errors)
                : recommendation(root, jobId, requestedAt, errors);
        return new Read(errors.isEmpty() ? job : null, errors, false);
    }

    private DeferredJob inference(JsonNode root, String jobId, Long requestedAt, List<FieldError> errors) {
        JsonNode prompt = root.get("prompt");
        int maxChars = properties.inference().maxPromptChars();
        if (absent(prompt) || !prompt.isTextual() || prompt.asText().isBlank()) {
            errors.add(new FieldError("prompt", "is required (text)"));
        } else if (prompt.asText().codePointCount(0, prompt.asText().length()) > maxChars) {
            errors.add(new FieldError("prompt", "must be at most " + maxChars + " characters"));
        }
        JsonNode model = root.get("modelId");
        if (!absent(model) && (!model.isTextual() || !properties.inference().models().contains(model.asText()))) {
            errors.add(new FieldError("modelId", "must be one of " + String.join("|", properties.inference().models())));
        }
        JsonNode callback = root.get("callbackUrl");
        if (!absent(callback)) {
            String problem = callback.isTextual() ? callbackProblem(callback.asText()) : "must be a URL";
            if (problem != null) {
                errors.add(new FieldError("callbackUrl", problem));
            }
        }
        return new DeferredJob(DeferredJob.INFERENCE, jobId, text(prompt), text(model), text(callback), null, requestedAt);
    }

    private DeferredJob recommendation(JsonNode root, String jobId, Long requestedAt, List<FieldError> errors) {
        JsonNode ids = root.get("mangaIds");
        int max = properties.recommendations().maxMangaIds();
        Set<String> mangaIds = new LinkedHashSet<>();
        if (absent(ids) || !ids.isArray() || ids.isEmpty()) {
            errors.add(new FieldError("mangaIds", "is required (a non-empty array of manga ids)"));
        } else if (ids.size() > max) {
            errors.add(new FieldError("mangaIds", "must list at most " + max + " manga; this job lists " + ids.size()));
        } else {
            for (int i = 0; i < ids.size(); i++) {
                JsonNode mangaId = ids.get(i);
                if (!mangaId.isTextual() || !EnrichmentIds.MANGA_ID.matcher(mangaId.asText()).matches()) {
                    errors.add(new FieldError("mangaIds[" + i + "]",
                            "must be 1-128 ASCII letters, digits or . _ : - (starting with a letter or digit)"));
                } else {
                    mangaIds.add(mangaId.asText());
                }
            }
        }
        return new DeferredJob(DeferredJob.RECOMMENDATION, jobId, null, null, null, List.copyOf(mangaIds), requestedAt);
    }

    /**
     * Why a callback target cannot be used, or null: {@code http(s)://host...} (a host of {@code allowed-hosts} when
     * set), or {@code sns:<topic ARN>} where SNS callbacks are on (the aws profile).
     */
    String callbackProblem(String target) {
        if (target.length() > MAX_URL_CHARS) {
            return "must be at most " + MAX_URL_CHARS + " characters";
        }
        if (target.startsWith(SNS_PREFIX)) {
            if (!properties.callback().snsEnabled()) {
                return "sns: callbacks are not available here (mangaassist.deferred.callback.sns-enabled)";
            }
            return SNS_TARGET.matcher(target).matches() ? null : "must be sns:arn:aws:sns:<region>:<account>:<topic>";
        }
        URI uri;
        try {
            uri = new URI(target);
        } catch (URISyntaxException e) {
            return "must be an http(s) URL or sns:<topic ARN>";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null || uri.getRawUserInfo() != null) {
            return "must be an http(s) URL with a host (no user info) or sns:<topic ARN>";
        }
        List<String> allowed = properties.callback().allowedHosts();
        if (!allowed.isEmpty() && allowed.stream().noneMatch(h -> h.equalsIgnoreCase(uri.getHost()))) {
            return "must name one of the allowed callback hosts " + allowed;
        }
        return null;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static String text(JsonNode node) {
        return absent(node) || !node.isTextual() ? null : node.asText();
    }
}
