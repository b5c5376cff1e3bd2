package mangaassist.inventory.erp;

import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Declares Shift_JIS on every request. CXF derives both the {@code charset} of the Content-Type and the
 * encoding of the XML writer from {@link Message#ENCODING}; it must be set in SETUP, before the
 * conduit and the StAX writer are created. By default CXF sends UTF-8, which the ERP refuses.
 */
public class ShiftJisRequestInterceptor extends AbstractPhaseInterceptor<Message> {

    public static final String REQUEST_CHARSET = "Shift_JIS";

    public ShiftJisRequestInterceptor() {
        super(Phase.SETUP);
    }

    @Override
    public void handleMessage(Message message) {
        message.put(Message.ENCODING, REQUEST_CHARSET);
    }
}
