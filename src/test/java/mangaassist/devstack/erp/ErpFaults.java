package mangaassist.devstack.erp;

/** Run-time switch of the simulator's {@link FaultMode}. */
public final class ErpFaults {

    private volatile FaultMode mode = FaultMode.NONE;

    public void set(FaultMode mode) {
        this.mode = mode == null ? FaultMode.NONE : mode;
    }

    public void reset() {
        mode = FaultMode.NONE;
    }

    public FaultMode current() {
        return mode;
    }
}
