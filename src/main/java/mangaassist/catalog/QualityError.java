package mangaassist.catalog;

/** One reason a product record is refused by {@link ProductQualityGate}: the attribute and what is wrong with it. */
public record QualityError(String field, String error) {

    @Override
    public String toString() {
        return field + ": " + error;
    }
}
