package mangaassist.inventory.erp;

import javax.xml.namespace.QName;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.apache.cxf.binding.soap.SoapMessage;
import org.apache.cxf.binding.soap.interceptor.AbstractSoapInterceptor;
import org.apache.cxf.headers.Header;
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

    private Element element() {
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            Document doc = dbf.newDocumentBuilder().newDocument();
            Element e = doc.createElementNS(AUTH_TOKEN.getNamespaceURI(), "inv:AuthToken");
            e.setTextContent(token);
            return e;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
