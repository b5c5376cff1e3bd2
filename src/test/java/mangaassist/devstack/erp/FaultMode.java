package mangaassist.devstack.erp;

/** Failure behaviours of the simulated ERP, switchable at run time. */
public enum FaultMode {
    /** Normal operation. */
    NONE,
    /** HTTP 503 with an empty body (maintenance window / load balancer with no backend). */
    DOWN,
    /** Answers correctly but only after {@code slowDelay} (default 30 s): longer than any client timeout. */
    SLOW,
    /** HTTP 500 with a SOAP fault (soapenv:Server). */
    HTTP_500,
    /** HTTP 200 with a truncated envelope. */
    MALFORMED_XML,
    /** HTTP 200, correct envelope, but UTF-8 bytes labelled Shift_JIS (header and declaration). */
    WRONG_ENCODING,
    /** HTTP 200 with a DOCTYPE declaring nested entities ("billion laughs"). */
    DOCTYPE_BOMB
}
