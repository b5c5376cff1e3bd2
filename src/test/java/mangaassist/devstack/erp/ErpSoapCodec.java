package mangaassist.devstack.erp;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import javax.xml.transform.dom.DOMSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.JAXBException;
import jakarta.xml.bind.Marshaller;
import mangaassist.inventory.erp.generated.ObjectFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;

/**
 * SOAP 1.1 envelopes of the simulated ERP. Requests are checked against the schema embedded in
 * {@code wsdl/legacy-inventory.wsdl} (the same file the client is generated from) and unmarshalled into
 * the generated classes; responses are the generated classes marshalled by JAXB inside a hand-written
 * envelope, encoded like the real ERP: CP932 bytes labelled Shift_JIS.
 */
final class ErpSoapCodec {

    static final String SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/";
    static final String INV_NS = "http://legacy-erp.manga-store.co.jp/inventory/v1";
    /** What the ERP really writes; it calls it Shift_JIS. */
    static final Charset WIRE = Charset.forName("Windows-31J");

    private static final Pattern CHARSET_PARAM =
            Pattern.compile(";\\s*charset\\s*=\\s*\"?([^\";\\s]+)\"?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

    /** A SOAP fault to send back: {@code client} = soapenv:Client (caller's fault), else soapenv:Server. */
    static final class SoapFaultException extends Exception {
        final boolean client;

        SoapFaultException(boolean client, String message) {
            super(message);
            this.client = client;
        }
    }

    /** A parsed request: header token (null when absent), ISBN texts as received, the JAXB body object. */
    record Request(String operation, String authToken, List<String> isbns, Object body) {
    }

    /** Built once: DocumentBuilderFactory.newInstance() searches the classpath on every call. */
    private static final DocumentBuilderFactory DOCUMENTS = secureFactory();

    private final JAXBContext jaxb;
    private final Schema schema;

    ErpSoapCodec() {
        try {
            jaxb = JAXBContext.newInstance(ObjectFactory.class);
            schema = loadSchemaFromWsdl();
        } catch (Exception e) {
            throw new IllegalStateException("cannot load the ERP contract", e);
        }
    }

    private static Schema loadSchemaFromWsdl() throws Exception {
        try (InputStream in = ErpSoapCodec.class.getResourceAsStream("/wsdl/legacy-inventory.wsdl")) {
            Document wsdl = newDocumentBuilder().parse(in);
            Element schemaEl = (Element) wsdl.getElementsByTagNameNS(XMLConstants.W3C_XML_SCHEMA_NS_URI, "schema").item(0);
            return SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI).newSchema(new DOMSource(schemaEl));
        }
    }

    private static DocumentBuilderFactory secureFactory() {
        try {
            DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
            dbf.setNamespaceAware(true);
            dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            dbf.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            dbf.setXIncludeAware(false);
            dbf.setExpandEntityReferences(false);
            return dbf;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A factory is not guaranteed thread-safe; a builder is cheap once the factory exists. */
    private static DocumentBuilder newDocumentBuilder() throws ParserConfigurationException {
        synchronized (DOCUMENTS) {
            return DOCUMENTS.newDocumentBuilder();
        }
    }

    Request parse(byte[] bytes, String contentType) throws SoapFaultException {
        String label = charsetOf(contentType);
        if (label == null) {
            label = declaredEncoding(bytes);
        }
        if (label == null || !isShiftJis(label)) {
            throw new SoapFaultException(true, "Unsupported encoding " + label + ": Shift_JIS required");
        }
        String text;
        try {
            text = WIRE.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new SoapFaultException(true, "Request is not valid Shift_JIS");
        }
        Document doc;
        try {
            doc = newDocumentBuilder().parse(new InputSource(new StringReader(text)));
        } catch (Exception e) {
            throw new SoapFaultException(true, "Malformed request: " + e.getMessage());
        }
        Element env = doc.getDocumentElement();
        if (!SOAP_NS.equals(env.getNamespaceURI()) || !"Envelope".equals(env.getLocalName())) {
            throw new SoapFaultException(true, "Not a SOAP 1.1 envelope");
        }
        Element header = child(env, SOAP_NS, "Header");
        Element token = header == null ? null : child(header, INV_NS, "AuthToken");
        Element body = child(env, SOAP_NS, "Body");
        Element op = body == null ? null : firstElement(body);
        if (op == null || !INV_NS.equals(op.getNamespaceURI())) {
            throw new SoapFaultException(true, "No operation in SOAP body");
        }
        List<String> isbns = new ArrayList<>();
        for (Node n = op.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && INV_NS.equals(e.getNamespaceURI()) && "ISBN".equals(e.getLocalName())) {
                isbns.add(e.getTextContent());
            }
        }
        try {
            schema.newValidator().validate(new DOMSource(op));
            Object value = jaxb.createUnmarshaller().unmarshal(op);
            return new Request(op.getLocalName(), token == null ? null : token.getTextContent(), isbns, value);
        } catch (Exception e) {
            throw new SoapFaultException(true, "Request does not match the schema: " + e.getMessage());
        }
    }

    /** Marshals a generated response object into a complete envelope (text; encode with {@link #WIRE}). */
    String responseEnvelope(Object jaxbResponse) {
        try {
            Marshaller m = jaxb.createMarshaller();
            m.setProperty(Marshaller.JAXB_FRAGMENT, true);
            StringWriter w = new StringWriter();
            m.marshal(jaxbResponse, w);
            return envelope(w.toString());
        } catch (JAXBException e) {
            throw new IllegalStateException(e);
        }
    }

    String faultEnvelope(boolean client, String message) {
        return envelope("<soapenv:Fault><faultcode>soapenv:" + (client ? "Client" : "Server") + "</faultcode>"
                + "<faultstring>" + escape(message) + "</faultstring></soapenv:Fault>");
    }

    static String envelope(String body) {
        return "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n"
                + "<soapenv:Envelope xmlns:soapenv=\"" + SOAP_NS + "\" xmlns:inv=\"" + INV_NS + "\">"
                + "<soapenv:Body>" + body + "</soapenv:Body></soapenv:Envelope>";
    }

    /** "Billion laughs": ten nested entity levels, 10^9 expansions if a parser allowed it. */
    static String doctypeBomb() {
        StringBuilder dtd = new StringBuilder("<!DOCTYPE soapenv:Envelope [\n<!ENTITY lol \"lol\">\n");
        dtd.append("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n");
        for (int i = 2; i <= 9; i++) {
            dtd.append("<!ENTITY lol").append(i).append(" \"");
            dtd.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        dtd.append("]>\n");
        return "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n" + dtd
                + "<soapenv:Envelope xmlns:soapenv=\"" + SOAP_NS + "\" xmlns:inv=\"" + INV_NS + "\"><soapenv:Body>"
                + "<inv:GetStockLevelResponse><inv:StockItem><inv:ISBN>&lol9;</inv:ISBN></inv:StockItem>"
                + "</inv:GetStockLevelResponse></soapenv:Body></soapenv:Envelope>";
    }

    static String truncated(String envelope) {
        return envelope.substring(0, envelope.length() * 2 / 3);
    }

    static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = CHARSET_PARAM.matcher(contentType);
        return m.find() ? m.group(1) : null;
    }

    static String declaredEncoding(byte[] body) {
        Matcher m = DECLARED_ENCODING.matcher(new String(body, 0, Math.min(200, body.length), StandardCharsets.ISO_8859_1));
        return m.find() ? m.group(1) : null;
    }

    private static boolean isShiftJis(String label) {
        String l = label.toLowerCase(Locale.ROOT);
        return l.equals("shift_jis") || l.equals("sjis") || l.equals("shift-jis") || l.equals("x-sjis")
                || l.equals("windows-31j") || l.equals("cp932") || l.equals("ms932");
    }

    private static Element child(Element parent, String ns, String local) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && ns.equals(e.getNamespaceURI()) && local.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static Element firstElement(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
