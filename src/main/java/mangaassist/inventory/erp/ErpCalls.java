package mangaassist.inventory.erp;

import java.util.Collection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import mangaassist.inventory.InventoryProperties;
import mangaassist.inventory.InventorySteps;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The bounds of one ERP call in inventory-erp-call: its rate-limit permit, its meters, and the translation of the ERP's
 * refusal for its rate into {@link ErpRateRefusedException}, the one failure the route retries at once.
 *
 * <p>The meters are registered once, with the tags the {@code micrometer:} endpoints gave them
 * (camelContext, flow): those endpoints evaluated their options and tags as expressions and converted
 * the action to its enum on every call, 8 % of the bytes allocated in the distinct inventory benchmark
 * for two or three meter updates a call.
 */
@Component("erpCalls")
public class ErpCalls {

    private static final Logger LOG = LoggerFactory.getLogger(ErpCalls.class);

    /** Exchange property: the call's running timer sample. */
    static final String SAMPLE = "mangaassist.inventory.erpCallSample";

    private final ErpRateLimiter limiter;
    private final MeterRegistry meters;
    private final Timer callTimer;
    private final DistributionSummary lookupsPerCall;
    private final Counter refused;
    private final String refusalText;

    public ErpCalls(ErpRateLimiter limiter, MeterRegistry meters, CamelContext camelContext, InventoryProperties inventory) {
        this.limiter = limiter;
        this.meters = meters;
        this.refusalText = inventory.erp().budget().refusalFault();
        this.callTimer = Timer.builder("mangaassist.inventory.erp.call")
                .tags("camelContext", camelContext.getName(), "flow", "inventory").register(meters);
        this.lookupsPerCall = DistributionSummary.builder("mangaassist.inventory.erp.lookups-per-call")
                .tags("camelContext", camelContext.getName(), "flow", "inventory").register(meters);
        this.refused = Counter.builder("mangaassist.inventory.erp.refused")
                .description("ERP calls refused for the ERP's rate (arrived later than the arrival allowance); each was retried")
                .tags("camelContext", camelContext.getName(), "flow", "inventory").register(meters);
    }

    /** Waits for a permit (see {@link ErpRateLimiter}), then starts the call's timer. */
    public void start(Exchange exchange) throws InterruptedException {
        exchange.setProperty(ErpRateLimiter.PERMIT, limiter.acquire());
        exchange.setProperty(SAMPLE, Timer.start(meters));
    }

    /** The call ended, whatever its outcome: the permit goes back, the timer stops. */
    public void end(@ExchangeProperty(ErpRateLimiter.PERMIT) ErpRateLimiter.Permit permit,
                    @ExchangeProperty(SAMPLE) Timer.Sample sample) {
        limiter.release(permit);
        sample.stop(callTimer);
    }

    /**
     * The call failed: its failure translated once, here, into the typed exception the routes act on (ErpCallException):
     * a refusal for the ERP's rate becomes {@link ErpRateRefusedException} (counted, and the limiter's arrival allowance
     * widens); what cannot be classified goes on as it is.
     */
    public void failed(@ExchangeProperty(Exchange.EXCEPTION_CAUGHT) Exception failure,
                       @ExchangeProperty(ErpRateLimiter.PERMIT) ErpRateLimiter.Permit permit) throws Exception {
        if (ErpErrorClassifier.isRateRefusal(failure, refusalText)) {
            refused.increment();
            limiter.refused(permit);
            LOG.info("The ERP refused a call for its rate; retried on the next permit, arrival allowance now {} ms",
                    limiter.arrivalAllowance().toMillis());
            throw new ErpRateRefusedException(ErpErrorClassifier.faultMessage(failure), failure);
        }
        throw ErpErrorClassifier.translate(failure);
    }

    /** How many ISBNs the call asked for. */
    public void counted(@ExchangeProperty(InventorySteps.ISBNS) Collection<?> isbns) {
        lookupsPerCall.record(isbns.size());
    }
}
