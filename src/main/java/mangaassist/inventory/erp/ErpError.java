package mangaassist.inventory.erp;

/** What went wrong with an ERP call, in the terms the chat API reports. */
public enum ErpError {
    /** The ERP answered with a SOAP fault (business/auth/rate-limit/internal error): 502 ERP_FAULT. */
    ERP_FAULT(502, "ERP_FAULT"),
    /** The ERP answered with something we cannot read (malformed XML, DOCTYPE, wrong bytes): 502 ERP_BAD_RESPONSE. */
    BAD_RESPONSE(502, "ERP_BAD_RESPONSE"),
    /** No answer in time (receive timeout): 503 ERP_UNAVAILABLE. */
    TIMEOUT(503, "ERP_UNAVAILABLE"),
    /** Not reachable: connection refused/reset, unknown host, HTTP 502/503/504 without SOAP body: 503 ERP_UNAVAILABLE. */
    UNAVAILABLE(503, "ERP_UNAVAILABLE"),
    /** Our request could not be expressed in Shift_JIS; nothing was sent. A caller error: 400. */
    REQUEST_REJECTED(400, "ERP_REQUEST_INVALID"),
    /** Anything else (a bug on our side, most likely). */
    UNKNOWN(500, "INTERNAL_ERROR");

    private final int httpStatus;
    private final String code;

    ErpError(int httpStatus, String code) {
        this.httpStatus = httpStatus;
        this.code = code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    public String code() {
        return code;
    }
}
