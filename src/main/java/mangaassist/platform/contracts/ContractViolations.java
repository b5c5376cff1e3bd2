package mangaassist.platform.contracts;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.networknt.schema.JsonNodePath;
import com.networknt.schema.ValidationMessage;

/**
 * The validator's messages as {@link ContractViolation}s: one per field (its first message; a field that breaks two
 * keywords is reported once), in the order the schema checks them, with paths as clients write them
 * ({@code jobs[3].mangaId}, not {@code $.jobs[3].mangaId}) and a missing field reported at its own path.
 */
public final class ContractViolations {

    private ContractViolations() {
    }

    public static List<ContractViolation> of(Collection<ValidationMessage> messages) {
        Map<String, ContractViolation> byField = new LinkedHashMap<>();
        for (ValidationMessage message : messages) {
            ContractViolation violation = of(message);
            byField.putIfAbsent(violation.field(), violation);
        }
        return new ArrayList<>(byField.values());
    }

    static ContractViolation of(ValidationMessage message) {
        String at = path(message.getInstanceLocation());
        String keyword = message.getType();
        if ("required".equals(keyword) && message.getProperty() != null) {
            return new ContractViolation(child(at, message.getProperty()), keyword, "is required");
        }
        return new ContractViolation(at, keyword, text(message));
    }

    /**
     * {@code jobs[3].mangaId}, "" for the message itself: from the path's elements, not its text, which is
     * {@code $.jobs[3].mangaId} or {@code /jobs/3/mangaId} depending on how the schema was loaded (Camel's loader
     * makes JSON Pointers).
     */
    public static String path(JsonNodePath location) {
        StringBuilder path = new StringBuilder();
        for (int i = 0; location != null && i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.length() > 0 ? "." : "").append(element);
            }
        }
        return path.toString();
    }

    private static String child(String parent, String property) {
        return parent.isEmpty() ? property : parent + "." + property;
    }

    /** The validator's words without its own path prefix ("$.title: integer found, string expected", "/title: ..."). */
    private static String text(ValidationMessage message) {
        String text = message.getMessage();
        String prefix = String.valueOf(message.getInstanceLocation()) + ": ";
        return text.startsWith(prefix) ? text.substring(prefix.length()) : text;
    }
}
