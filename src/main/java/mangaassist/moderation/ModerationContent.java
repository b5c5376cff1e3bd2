package mangaassist.moderation;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What is moderated: {@code {"contentId","contentType","text"}}, the body of a job on the queue (another producer may
 * write it there; other fields are ignored). Its fields are checked the same way by the API and by the consumer.
 *
 * @param contentId   names the result in S3 ({@code <contentId>.json}): 1-128 ASCII letters, digits, {@code . _ : -},
 *                    starting with a letter or digit, so no key can climb out of its prefix
 * @param contentType what kind of text it is, e.g. review, comment, chat_message: a lower-case word
 * @param text        the text to judge
 */
public record ModerationContent(String contentId, String contentType, String text) {

    static final Pattern CONTENT_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    static final Pattern CONTENT_TYPE = Pattern.compile("[a-z][a-z0-9_-]{0,63}");

    /** The content of a JSON object, or the errors of its fields (every one, not just the first). */
    static Result read(JsonNode root, int maxTextChars) {
        List<ModerationFieldError> errors = new ArrayList<>();
        JsonNode id = root.get("contentId");
        JsonNode type = root.get("contentType");
        JsonNode text = root.get("text");
        if (absent(id)) {
            errors.add(new ModerationFieldError("contentId", "is required"));
        } else if (!id.isTextual() || !CONTENT_ID.matcher(id.asText()).matches()) {
            errors.add(new ModerationFieldError("contentId",
                    "must be 1-128 ASCII letters, digits or . _ : - (starting with a letter or digit)"));
        }
        if (absent(type)) {
            errors.add(new ModerationFieldError("contentType", "is required"));
        } else if (!type.isTextual() || !CONTENT_TYPE.matcher(type.asText()).matches()) {
            errors.add(new ModerationFieldError("contentType",
                    "must be a lower-case word of letters, digits, _ or - (e.g. review, comment)"));
        }
        if (absent(text) || text.isTextual() && text.asText().isBlank()) {
            errors.add(new ModerationFieldError("text", "is required"));
        } else if (!text.isTextual()) {
            errors.add(new ModerationFieldError("text", "must be a string"));
        } else if (text.asText().codePointCount(0, text.asText().length()) > maxTextChars) {
            errors.add(new ModerationFieldError("text", "must be at most " + maxTextChars + " characters"));
        }
        return errors.isEmpty() ? new Result(new ModerationContent(id.asText(), type.asText(), text.asText()), List.of())
                : new Result(null, List.copyOf(errors));
    }

    private static boolean absent(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** The content, or why there is none. */
    record Result(ModerationContent content, List<ModerationFieldError> errors) {

        /** The errors as a dead-letter reason: {@code INVALID_FIELDS: contentId is required; text ...;}. */
        String reason() {
            StringBuilder reason = new StringBuilder("INVALID_FIELDS:");
            errors.forEach(e -> reason.append(' ').append(e.field()).append(' ').append(e.error()).append(';'));
            return reason.toString();
        }
    }
}
