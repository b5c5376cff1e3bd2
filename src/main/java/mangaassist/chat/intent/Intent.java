package mangaassist.chat.intent;

import java.util.Objects;

/**
 * Result of {@link InventoryIntentClassifier}. LOW confidence means "ask Haiku" (seed data flow
 * step 4); {@code titleQuery} and {@code volume} may be null when they could not be read.
 */
public record Intent(Type type, Confidence confidence, String titleQuery, Integer volume) {

    public enum Type { INVENTORY, GENERAL }

    public enum Confidence { HIGH, LOW }

    public Intent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(confidence, "confidence");
    }

    public static Intent general() {
        return new Intent(Type.GENERAL, Confidence.HIGH, null, null);
    }

    public boolean isInventory() {
        return type == Type.INVENTORY;
    }

    /** A stock question the classifier could not read for sure: worth asking the fast model. */
    public boolean isUnsure() {
        return isInventory() && confidence == Confidence.LOW;
    }

    /** A stock question with its title and volume: the catalog can tell the ISBN. */
    public boolean isResolvable() {
        return isInventory() && catalogTitle() != null && volume != null;
    }

    /** Catalog (Japanese) title for the query, via {@link SeriesAliases}; null without a title. */
    public String catalogTitle() {
        return titleQuery == null ? null : SeriesAliases.resolve(titleQuery);
    }
}
