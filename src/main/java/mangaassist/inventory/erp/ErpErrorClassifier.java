package mangaassist.inventory.erp;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

import javax.xml.stream.XMLStreamException;

import jakarta.xml.bind.JAXBException;
import org.apache.cxf.binding.soap.SoapFault;
import org.apache.cxf.transport.http.HTTPException;

/**
 * Maps the exception of a failed ERP exchange to an {@link ErpError}. The classes were observed with
 * CXF 4.1.4 (HttpClientHTTPConduit) through {@code cxf:bean:} in synchronous mode (see ErpFaultModesTest):
 * <pre>
 *  ERP SOAP fault (HTTP 500 + soap:Fault)     SoapFault, no cause                       -> ERP_FAULT
 *  truncated / malformed XML                  Fault "Unmarshalling Error" &lt;- UnmarshalException
 *                                             &lt;- WstxEOFException (or SoapFault &lt;- XMLStreamException)
 *                                                                                        -> BAD_RESPONSE
 *  DOCTYPE / entity bomb                      SoapFault "Received event DTD" &lt;- WstxParsingException
 *                                                                                        -> BAD_RESPONSE
 *  UTF-8 bytes labelled Shift_JIS             ErpBadResponseException                   -> BAD_RESPONSE
 *  no answer within receiveTimeout            HttpTimeoutException                      -> TIMEOUT
 *  connection refused                         Fault "Could not send Message." &lt;- ConnectException
 *                                                                                        -> UNAVAILABLE
 *  HTTP 503 with empty body                   HTTPException "HTTP response '503: ...'"  -> UNAVAILABLE
 *  character outside Shift_JIS in a request   Fault "Marshalling Error" &lt;- ... &lt;- UnencodableCharacterException
 *                                                                                        -> REQUEST_REJECTED
 * </pre>
 * The cause chain is searched most-specific first: a SoapFault caused by an XML parse error is a bad
 * response, not an ERP fault.
 */
public final class ErpErrorClassifier {

    private ErpErrorClassifier() {
    }

    public static ErpError classify(Throwable failure) {
        if (failure == null) {
            return ErpError.UNKNOWN;
        }
        if (find(failure, ErpRateRefusedException.class) != null) {
            return ErpError.ERP_FAULT; // its retries were exhausted: the ERP kept refusing
        }
        if (find(failure, UnencodableCharacterException.class) != null) {
            return ErpError.REQUEST_REJECTED;
        }
        if (find(failure, ErpBadResponseException.class) != null || find(failure, XMLStreamException.class) != null
                || find(failure, JAXBException.class) != null) {
            return ErpError.BAD_RESPONSE;
        }
        if (find(failure, HttpConnectTimeoutException.class) != null) {
            return ErpError.UNAVAILABLE; // could not even connect
        }
        if (find(failure, HttpTimeoutException.class) != null || find(failure, SocketTimeoutException.class) != null
                || find(failure, TimeoutException.class) != null) {
            return ErpError.TIMEOUT;
        }
        HTTPException http = find(failure, HTTPException.class);
        if (http != null) {
            int status = http.getResponseCode();
            return status == 502 || status == 503 || status == 504 ? ErpError.UNAVAILABLE : ErpError.BAD_RESPONSE;
        }
        if (find(failure, SoapFault.class) != null) {
            return ErpError.ERP_FAULT;
        }
        if (find(failure, ConnectException.class) != null || find(failure, UnknownHostException.class) != null
                || find(failure, NoRouteToHostException.class) != null || find(failure, IOException.class) != null) {
            return ErpError.UNAVAILABLE;
        }
        return ErpError.UNKNOWN;
    }

    /**
     * The failure of a call as the routes act on it (see {@link ErpCallException}); what cannot be classified (a bug on
     * our side, most likely) is returned as it is. A failure already translated stays as it is.
     */
    public static Exception translate(Exception failure) {
        ErpCallException translated = find(failure, ErpCallException.class);
        if (translated != null) {
            return translated;
        }
        ErpError error = classify(failure);
        String message = failure.getMessage();
        return switch (error) {
            case TIMEOUT, UNAVAILABLE -> new ErpUnavailableException(error, message, failure);
            case ERP_FAULT -> new ErpFaultException(faultMessage(failure), isClientFault(failure), failure);
            case BAD_RESPONSE -> new ErpBadResponseException(message, failure);
            case REQUEST_REJECTED -> new ErpRequestRejectedException(message, failure);
            case UNKNOWN -> failure;
        };
    }

    /**
     * The ERP blamed the request (SOAP 1.1 faultcode Client, e.g. a refused AuthToken or a request it cannot read):
     * sending it again gets the same fault, so it is not retried. Server faults (overload, internal errors) are.
     */
    public static boolean isClientFault(Throwable failure) {
        SoapFault fault = find(failure, SoapFault.class);
        if (fault == null || fault.getFaultCode() == null) {
            return false;
        }
        String code = fault.getFaultCode().getLocalPart();
        return "Client".equals(code) || "Sender".equals(code);
    }

    /**
     * The ERP refused the call for its rate: a Server fault whose faultstring contains {@code refusalText} (the ERP's
     * "Rate limit exceeded"). Such a call is retried after the next free permit, not as a failure.
     */
    public static boolean isRateRefusal(Throwable failure, String refusalText) {
        SoapFault fault = find(failure, SoapFault.class);
        return fault != null && !isClientFault(failure) && fault.getMessage() != null
                && refusalText != null && !refusalText.isEmpty() && fault.getMessage().contains(refusalText);
    }

    /** The SOAP faultstring when the ERP sent a fault, for logs (never contains our token). */
    public static String faultMessage(Throwable failure) {
        SoapFault fault = find(failure, SoapFault.class);
        return fault == null ? null : fault.getMessage();
    }

    static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (int depth = 0; t != null && depth < 20; t = t.getCause(), depth++) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
