package mangaassist.catalog.cdc;

/** The index refused or failed part of a bulk write for a reason a retry can fix (429, 5xx): the batch is retried. */
public class CatalogIndexException extends RuntimeException {

    public CatalogIndexException(String message) {
        super(message);
    }
}
