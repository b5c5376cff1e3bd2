package mangaassist.inventory.erp;

import javax.xml.namespace.QName;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.headers.Header;
import org.apache.cxf.helpers.DOMUtils;
import org.apache.cxf.phase.Phase;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/**
 * Adds {@code <inv:AuthToken>} to the SOAP header of every request, from configuration. The WSDL
 * declares the header in its own message, so the generated SEI has no token parameter and routes
 * never see the credential. Nothing here logs the token.
 */
public class AuthTokenHeaderInterceptor extends AbstractSoapInterceptor {

    public static final QName AUTH_TOKEN = new QName(ErpContract.NAMESPACE, "AuthToken");

    private final String token;

    public AuthTokenHeaderInterceptor(String token) {
        super(Phase.PRE_PROTOCOL);
        this.token = token;
    }

    @Override
    public void handleMessage(SoapMessage message) {
        message.getHeaders().removeIf(h -> AUTH_TOKEN.equals(h.getName()));
        message.getHeaders().add(new Header(AUTH_TOKEN, element()));
    }

    /**
     * A new element per message (a DOM is not safe to share between threads, even for reading), in a document from
     * CXF's cached builder: DocumentBuilderFactory.newInstance() searches the classpath for a provider on every call.
     */
    private Element element() {
        Document doc = DOMUtils.createDocument();
        Element e = doc.createElementNS(AUTH_TOKEN.getNamespaceURI(), "inv:AuthToken");
        e.setTextContent(token);
        return e;
    }
}
