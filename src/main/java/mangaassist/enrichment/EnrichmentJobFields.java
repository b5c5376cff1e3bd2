package mangaassist.enrichment;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Checks the fields of one job, the same way for the API and for a message read off the queue (which may come
 * from another producer). Every invalid field is reported, not just the first.
 */
final class EnrichmentJobFields {

    static final int MAX_TITLE_CHARS = 500;

    private EnrichmentJobFields() {
    }

    /** The errors of a job given as {@code mangaId, title, titleJp, enrichmentType, priority} nodes (missing: null). */
    static List<FieldError> check(String prefix, JsonNode mangaId, JsonNode title, JsonNode titleJp, JsonNode type,
                                  JsonNode priority) {
        List<FieldError> errors = new ArrayList<>();
        if (absent(mangaId)) {
            errors.add(new FieldError(prefix + "mangaId", "is required"));
        } else if (!mangaId.isTextual() || !EnrichmentIds.MANGA_ID.matcher(mangaId.asText()).matches()) {
            errors.add(new FieldError(prefix + "mangaId",
                    "must be 1-128 ASCII letters, digits or . _ : - (starting with a letter or digit)"));
        }
        if (absent(title) || title.isTextual() && title.asText().isBlank()) {
            errors.add(new FieldError(prefix + "title", "is required"));
        } else {
            text(prefix + "title", title, errors);
        }
        if (!absent(titleJp)) {
            text(prefix + "titleJp", titleJp, errors);
        }
        errors.addAll(checkChoices(prefix, type, priority));
        return errors;
    }

    /** The errors of an enrichmentType and a priority (each may be absent). */
    static List<FieldError> checkChoices(String prefix, JsonNode type, JsonNode priority) {
        List<FieldError> errors = new ArrayList<>();
        if (!absent(type) && (!type.isTextual() || EnrichmentType.fromWire(type.asText()).isEmpty())) {
            errors.add(new FieldError(prefix + "enrichmentType", "must be one of " + EnrichmentType.NAMES));
        }
        if (!absent(priority) && (!priority.isTextual() || !EnrichmentPriority.VALUES.contains(priority.asText()))) {
            errors.add(new FieldError(prefix + "priority", "must be one of " + EnrichmentPriority.NAMES));
        }
        return errors;
    }

    static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    private static void text(String field, JsonNode node, List<FieldError> errors) {
        if (!node.isTextual()) {
            errors.add(new FieldError(field, "must be a string"));
        } else if (node.asText().codePointCount(0, node.asText().length()) > MAX_TITLE_CHARS) {
            errors.add(new FieldError(field, "must be at most " + MAX_TITLE_CHARS + " characters"));
        }
    }
}
