package mangaassist.inventoryevents;

import java.util.List;
import java.util.Map;

import mangaassist.platform.ApiException;

/** A change record the flow refuses (API: 400), with an error per invalid field. */
public class InventoryEventRequestException extends ApiException {

    private final List<Map<String, String>> errors;

    public InventoryEventRequestException(String code, String message, List<Map<String, String>> errors) {
        super(code, 400, message);
        this.errors = List.copyOf(errors);
    }

    public List<Map<String, String>> errors() {
        return errors;
    }

    @Override
    public Object details() {
        return errors.isEmpty() ? null : errors;
    }
}
