package mangaassist.inventory;

/** An ISBN that cannot be used. The message is user-facing and never echoes the input. */
public class InvalidIsbnException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidIsbnException(String message) {
        super(message);
    }
}
