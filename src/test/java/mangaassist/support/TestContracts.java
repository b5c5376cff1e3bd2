package mangaassist.support;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import mangaassist.platform.contracts.ContractViolationCounter;
import mangaassist.platform.contracts.Contracts;
import mangaassist.platform.contracts.ContractsProperties;

/** The contract beans outside an application context: default error codes, violations counted in a registry of their own. */
public final class TestContracts {

    private TestContracts() {
    }

    public static Contracts contracts() {
        return new Contracts(new ContractsProperties(null, null), counter());
    }

    public static ContractViolationCounter counter() {
        return new ContractViolationCounter(new SimpleMeterRegistry());
    }
}
