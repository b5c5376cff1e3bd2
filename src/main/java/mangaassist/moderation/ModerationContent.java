package mangaassist.moderation;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What is moderated: {@code {"contentId","contentType","text"}}, the body of a job on the queue (another producer may
 * write it there; other fields are ignored). Its fields are what schemas/moderation-job.v1.json says.
 *
 * @param contentId   names the result in S3 ({@code <contentId>.json}): 1-128 ASCII letters, digits, {@code . _ : -},
 *                    starting with a letter or digit, so no key can climb out of its prefix
 * @param contentType what kind of text it is, e.g. review, comment, chat_message: a lower-case word
 * @param text        the text to judge
 */
public record ModerationContent(String contentId, String contentType, String text) {

    /**
     * The content of a JSON object that keeps its schema (moderation-job.v1: both edges check it first with the
     * json-validator), or the error of what the schema leaves to the configuration: the text's length.
     */
    static Result read(JsonNode root, int maxTextChars) {
        String text = root.path("text").asText();
        if (text.codePointCount(0, text.length()) > maxTextChars) {
            return new Result(null, List.of(new ModerationFieldError("text", "must be at most " + maxTextChars + " characters")));
        }
        return new Result(new ModerationContent(root.get("contentId").asText(), root.get("contentType").asText(), text), List.of());
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
