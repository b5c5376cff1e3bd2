package mangaassist.moderation;

import java.util.List;

import mangaassist.platform.ApiException;

/** A job the API refuses (400), with an error per invalid field. */
public class ModerationRequestException extends ApiException {

    private final List<ModerationFieldError> errors;

    public ModerationRequestException(String code, String message, List<ModerationFieldError> errors) {
        super(code, 400, message);
        this.errors = List.copyOf(errors);
    }

    public List<ModerationFieldError> errors() {
        return errors;
    }

    @Override
    public Object details() {
        return errors.isEmpty() ? null : errors;
    }
}
