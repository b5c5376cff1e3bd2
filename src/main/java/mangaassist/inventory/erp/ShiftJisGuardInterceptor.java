package mangaassist.inventory.erp;

import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;

import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

import org.apache.cxf.interceptor.StaxOutInterceptor;
import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;
import org.apache.cxf.staxutils.DelegatingXMLStreamWriter;

/**
 * Wraps the request's XMLStreamWriter so that every text and attribute value is checked against the
 * request charset before it is written. Doing it at the writer covers body and SOAP headers alike,
 * whatever the operation, without walking JAXB objects.
 */
public class ShiftJisGuardInterceptor extends AbstractPhaseInterceptor<Message> {

    private final Charset charset;

    public ShiftJisGuardInterceptor() {
        this(Charset.forName(ShiftJisRequestInterceptor.REQUEST_CHARSET));
    }

    public ShiftJisGuardInterceptor(Charset charset) {
        super(Phase.PRE_STREAM);
        addAfter(StaxOutInterceptor.class.getName());
        this.charset = charset;
    }

    @Override
    public void handleMessage(Message message) {
        XMLStreamWriter writer = message.getContent(XMLStreamWriter.class);
        if (writer != null && !(writer instanceof GuardedWriter)) {
            message.setContent(XMLStreamWriter.class, new GuardedWriter(writer, charset));
        }
    }

    static void check(CharSequence text, Charset charset) {
        if (text == null) {
            return;
        }
        // Encoders are not thread-safe and cheap to create.
        CharsetEncoder encoder = charset.newEncoder();
        for (int i = 0; i < text.length(); ) {
            int cp = Character.codePointAt(text, i);
            int n = Character.charCount(cp);
            if (cp >= 0x80 && !encoder.canEncode(text.subSequence(i, i + n))) {
                throw new UnencodableCharacterException(cp, charset.name());
            }
            i += n;
        }
    }

    private static final class GuardedWriter extends DelegatingXMLStreamWriter {
        private final Charset charset;

        GuardedWriter(XMLStreamWriter delegate, Charset charset) {
            super(delegate);
            this.charset = charset;
        }

        @Override
        public void writeCharacters(String text) throws XMLStreamException {
            check(text, charset);
            super.writeCharacters(text);
        }

        @Override
        public void writeCharacters(char[] text, int start, int len) throws XMLStreamException {
            check(new String(text, start, len), charset);
            super.writeCharacters(text, start, len);
        }

        @Override
        public void writeCData(String data) throws XMLStreamException {
            check(data, charset);
            super.writeCData(data);
        }

        @Override
        public void writeAttribute(String localName, String value) throws XMLStreamException {
            check(value, charset);
            super.writeAttribute(localName, value);
        }

        @Override
        public void writeAttribute(String namespaceURI, String localName, String value) throws XMLStreamException {
            check(value, charset);
            super.writeAttribute(namespaceURI, localName, value);
        }

        @Override
        public void writeAttribute(String prefix, String namespaceURI, String localName, String value)
                throws XMLStreamException {
            check(value, charset);
            super.writeAttribute(prefix, namespaceURI, localName, value);
        }
    }
}
