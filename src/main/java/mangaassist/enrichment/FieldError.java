package mangaassist.enrichment;

/** One invalid field of a request or message: {@code jobs[3].mangaId} and what is wrong with it. */
public record FieldError(String field, String error) {
}
