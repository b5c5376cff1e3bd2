package mangaassist.moderation;

/** One invalid field of a moderation job: its name and what is wrong with it. */
public record ModerationFieldError(String field, String error) {
}
