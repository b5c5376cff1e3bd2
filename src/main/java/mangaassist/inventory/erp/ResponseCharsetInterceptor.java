package mangaassist.inventory.erp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.cxf.message.Message;
import org.apache.cxf.phase.AbstractPhaseInterceptor;
import org.apache.cxf.phase.Phase;

/**
 * Picks the charset a response is decoded with. CXF decodes a response without a charset parameter as
 * ISO-8859-1 (kanji garbled, no error) and a response labelled Shift_JIS with Java's strict Shift_JIS,
 * which turns the ERP's CP932 vendor characters (①, 髙, ～) into U+FFFD. Rules, in order:
 * <ol>
 *   <li>label = charset of the Content-Type, else the encoding of the XML declaration;</li>
 *   <li>no label, or a Shift_JIS-family label: decode with the configured codepage (Windows-31J);</li>
 *   <li>any other label (e.g. UTF-8): honour it.</li>
 * </ol>
 * A body labelled Shift_JIS that is valid multi-byte UTF-8 is refused: real CP932 Japanese text is
 * practically never valid UTF-8, so this is a misconfigured ERP and decoding it would produce mojibake
 * silently. The body is buffered (ERP answers are a few KB; capped) to allow these checks.
 */
public class ResponseCharsetInterceptor extends AbstractPhaseInterceptor<Message> {

    private static final Pattern DECLARED_ENCODING =
            Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");
    private static final Pattern CHARSET_PARAM =
            Pattern.compile(";\\s*charset\\s*=\\s*\"?([^\";\\s]+)\"?", Pattern.CASE_INSENSITIVE);

    private final Charset codepage;
    private final int maxBytes;

    public ResponseCharsetInterceptor(String codepage) {
        this(codepage, 4 * 1024 * 1024);
    }

    public ResponseCharsetInterceptor(String codepage, int maxBytes) {
        super(Phase.RECEIVE);
        this.codepage = Charset.forName(codepage);
        this.maxBytes = maxBytes;
    }

    @Override
    public void handleMessage(Message message) {
        InputStream in = message.getContent(InputStream.class);
        if (in == null) {
            return;
        }
        byte[] body = readBounded(in);
        message.setContent(InputStream.class, new ByteArrayInputStream(body));

        String label = charsetOf((String) message.get(Message.CONTENT_TYPE));
        if (label == null) {
            label = declaredEncoding(body);
        }
        Charset labelled = forNameOrNull(label);
        if (label == null || isShiftJisFamily(labelled)) {
            if (label != null && looksLikeUtf8(body)) {
                throw new ErpBadResponseException(
                        "ERP response is labelled " + label + " but its bytes are UTF-8; refusing to decode");
            }
            message.put(Message.ENCODING, codepage.name());
        } else if (labelled != null) {
            message.put(Message.ENCODING, labelled.name());
        }
        // An unknown label is left to CXF, which will fail on it: that is a bad response too.
    }

    private byte[] readBounded(InputStream in) {
        try (in) {
            byte[] body = in.readNBytes(maxBytes + 1);
            if (body.length > maxBytes) {
                throw new ErpBadResponseException("ERP response larger than " + maxBytes + " bytes");
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String charsetOf(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = CHARSET_PARAM.matcher(contentType);
        return m.find() ? m.group(1) : null;
    }

    static String declaredEncoding(byte[] body) {
        // The declaration is ASCII in every ASCII-compatible charset, including Shift_JIS.
        String head = new String(body, 0, Math.min(body.length, 200), StandardCharsets.ISO_8859_1);
        Matcher m = DECLARED_ENCODING.matcher(head);
        return m.find() ? m.group(1) : null;
    }

    private static Charset forNameOrNull(String label) {
        try {
            return label == null ? null : Charset.forName(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static boolean isShiftJisFamily(Charset cs) {
        if (cs == null) {
            return false;
        }
        String n = cs.name().toLowerCase(Locale.ROOT);
        return n.equals("shift_jis") || n.equals("windows-31j") || n.equals("x-sjis_0213") || n.equals("x-ibm943");
    }

    static boolean looksLikeUtf8(byte[] body) {
        boolean nonAscii = false;
        for (byte b : body) {
            if (b < 0) {
                nonAscii = true;
                break;
            }
        }
        if (!nonAscii) {
            return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
