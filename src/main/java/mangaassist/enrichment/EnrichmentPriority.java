package mangaassist.enrichment;

import java.util.Set;

/** A job's priority, carried as a message attribute (the seed's high|normal|low). */
public final class EnrichmentPriority {

    public static final String DEFAULT = "normal";
    public static final Set<String> VALUES = Set.of("high", "normal", "low");
    public static final String NAMES = "high|normal|low";

    private EnrichmentPriority() {
    }
}
