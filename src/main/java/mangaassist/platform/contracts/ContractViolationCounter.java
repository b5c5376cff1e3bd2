package mangaassist.platform.contracts;

import io.micrometer.core.instrument.MeterRegistry;
import mangaassist.platform.ErrorResponses;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * {@code mangaassist.contract.violations{flow, schema}}: messages refused by their schema, at every edge (REST bodies,
 * chat frames, queue messages, DMS records, events before PutEvents and at the bus's consumers). Counted where a
 * violation is detected: the json-validator handlers ({@link ContractErrors}, chat's frame handler) and
 * {@link Contracts#check}. A producer that drifts from a contract shows as a rising count of its schema.
 */
@Component
public class ContractViolationCounter {

    public static final String METRIC = "mangaassist.contract.violations";

    private final MeterRegistry meters;

    public ContractViolationCounter(MeterRegistry meters) {
        this.meters = meters;
    }

    /** One violation of this schema (its file name, e.g. {@code enrichment-job.v1.json}) in the exchange's flow. */
    public void count(Exchange exchange, String schemaName) {
        meters.counter(METRIC, "flow", ErrorResponses.flow(exchange), "schema", tag(schemaName)).increment();
    }

    /** The schema tag: its file name without {@code .json} ({@code enrichment-job.v1}). */
    public static String tag(String schemaName) {
        return schemaName.endsWith(".json") ? schemaName.substring(0, schemaName.length() - ".json".length()) : schemaName;
    }
}
