package mangaassist.deferred;

import java.util.List;

import mangaassist.enrichment.FieldError;
import mangaassist.platform.ApiException;

/** A job request the API refuses (400), with an error per invalid field. */
public class DeferredRequestException extends ApiException {

    private final List<FieldError> errors;

    public DeferredRequestException(String code, String message, List<FieldError> errors) {
        super(code, 400, message);
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }

    @Override
    public Object details() {
        return errors.isEmpty() ? null : errors;
    }
}
