package mangaassist.inventory.erp;

/**
 * Parse and print methods of the generated classes' customised fields (wsdl/legacy-inventory-bindings.xml). Lenient
 * as xs:int is: surrounding whitespace is collapsed, as JAXB's own int parser does.
 */
public final class ErpXmlValues {

    private ErpXmlValues() {
    }

    /** An xs:int; an empty element is no value (null), not 0. */
    public static Integer parseInt(String lexical) {
        return lexical == null || lexical.isBlank() ? null : Integer.valueOf(lexical.strip());
    }

    public static String printInt(Integer value) {
        return value == null ? null : value.toString();
    }
}
