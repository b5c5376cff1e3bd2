package mangaassist.inventory.erp;

/**
 * A request value contains a character the ERP's Shift_JIS cannot represent. Raised while the request
 * is serialised, before anything is sent (chunking is off, so the body is buffered). Without this guard
 * the JDK writer would silently replace the character and the ERP would look up something else.
 * This is a caller error (map it to 400/422), not an ERP failure.
 */
public class UnencodableCharacterException extends IllegalArgumentException {

    private final int codePoint;

    public UnencodableCharacterException(int codePoint, String charset) {
        super(String.format("Character '%s' (U+%04X) cannot be encoded in %s; request to the ERP not sent",
                new String(Character.toChars(codePoint)), codePoint, charset));
        this.codePoint = codePoint;
    }

    public int codePoint() {
        return codePoint;
    }
}
