package mangaassist.platform.contracts;

/**
 * One way a message breaks its schema: the field's path as clients write it ({@code jobs[3].mangaId}; empty for the
 * message itself), the schema keyword that failed ({@code required}, {@code pattern}, {@code maxLength}...) and what
 * is wrong, in words.
 */
public record ContractViolation(String field, String keyword, String error) {
}
