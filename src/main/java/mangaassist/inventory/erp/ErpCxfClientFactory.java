package mangaassist.inventory.erp;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.xml.stream.XMLOutputFactory;

import mangaassist.inventory.erp.generated.InventoryPortType;
import org.apache.camel.CamelContext;
import org.apache.camel.component.cxf.common.DataFormat;
import org.apache.camel.component.cxf.jaxws.CxfConfigurer;
import org.apache.camel.component.cxf.jaxws.CxfEndpoint;
import org.apache.cxf.endpoint.Client;
import org.apache.cxf.endpoint.Server;
import org.apache.cxf.frontend.AbstractWSDLBasedEndpointFactory;
import org.apache.cxf.frontend.ClientProxy;
import org.apache.cxf.interceptor.Interceptor;
import org.apache.cxf.jaxws.JaxWsProxyFactoryBean;
import org.apache.cxf.message.Message;
import org.apache.cxf.transport.http.HTTPConduit;
import org.apache.cxf.transports.http.configuration.HTTPClientPolicy;

/**
 * Builds the client side of the legacy inventory ERP, configured for its Shift_JIS wire format.
 * <p>
 * Spring: expose {@link #createEndpoint(CamelContext)} as {@code @Bean("erpInventory")} and call
 * {@code cxf:bean:erpInventory} with header {@code operationName} = {@link ErpContract#OP_GET_STOCK_LEVEL}
 * (body: {@code List.of(isbn, warehouse)}) or {@link ErpContract#OP_GET_BATCH_STOCK_LEVELS} (body:
 * {@code List.of(isbnList, warehouse)}). Without Spring: {@link #register(CamelContext, String)}.
 * {@link #createJaxWsProxy()} gives the same configuration as a plain JAX-WS proxy.
 */
public class ErpCxfClientFactory {

    /** Registry name used by the routes: {@code cxf:bean:erpInventory}. */
    public static final String BEAN_NAME = "erpInventory";

    /**
     * Requests are ~0.5 KB (batch of 20: ~1.5 KB); anything below this goes out with Content-Length. CXF allocates a
     * buffer of this size for every call: 1 MB here made each call a humongous object for G1 and cost a quarter of
     * the CPU in concurrent collections under load.
     */
    static final int CHUNKING_THRESHOLD = 16 * 1024;

    private final ErpClientSettings settings;

    public ErpCxfClientFactory(ErpClientSettings settings) {
        this.settings = settings;
    }

    public ErpClientSettings settings() {
        return settings;
    }

    /** A POJO-mode CxfEndpoint for {@code cxf:bean:...}; the caller registers it (or use {@link #register}). */
    public CxfEndpoint createEndpoint(CamelContext camelContext) {
        CxfEndpoint endpoint = new CxfEndpoint();
        endpoint.setCamelContext(camelContext);
        endpoint.setBeanId(BEAN_NAME);
        endpoint.setAddress(settings.endpointUrl());
        endpoint.setServiceClass(InventoryPortType.class);
        endpoint.setDataFormat(DataFormat.POJO);
        // Synchronous: the calling thread waits, and timeouts/connect errors surface as the causes documented
        // in ErpErrorClassifier (the async path wraps them differently). Calls are short and throttled anyway.
        endpoint.setSynchronous(true);
        endpoint.getOutInterceptors().addAll(outInterceptors());
        endpoint.getInInterceptors().addAll(inInterceptors());
        endpoint.setProperties(new HashMap<>(endpointProperties()));
        endpoint.setCxfConfigurer(new CxfConfigurer() {
            @Override
            public void configure(AbstractWSDLBasedEndpointFactory factoryBean) {
                // nothing: interceptors and properties are set on the endpoint
            }

            @Override
            public void configureClient(Client client) {
                configureConduit(client);
            }

            @Override
            public void configureServer(Server server) {
                // client only
            }
        });
        return endpoint;
    }

    /** Creates the endpoint and binds it in the Camel registry under {@code name}. */
    public CxfEndpoint register(CamelContext camelContext, String name) {
        CxfEndpoint endpoint = createEndpoint(camelContext);
        endpoint.setBeanId(name);
        camelContext.getRegistry().bind(name, endpoint);
        return endpoint;
    }

    /** Alternative to Camel: the generated SEI as a JAX-WS proxy with the same interceptors and conduit. */
    public InventoryPortType createJaxWsProxy() {
        JaxWsProxyFactoryBean factory = new JaxWsProxyFactoryBean();
        factory.setServiceClass(InventoryPortType.class);
        factory.setAddress(settings.endpointUrl());
        factory.getOutInterceptors().addAll(outInterceptors());
        factory.getInInterceptors().addAll(inInterceptors());
        factory.setProperties(new HashMap<>(endpointProperties()));
        InventoryPortType port = factory.create(InventoryPortType.class);
        configureConduit(ClientProxy.getClient(port));
        return port;
    }

    List<Interceptor<? extends Message>> outInterceptors() {
        return List.of(new ShiftJisRequestInterceptor(), new ShiftJisGuardInterceptor(),
                new AuthTokenHeaderInterceptor(settings.authToken()));
    }

    List<Interceptor<? extends Message>> inInterceptors() {
        return List.of(new ResponseCharsetInterceptor(settings.responseCodepage()));
    }

    Map<String, Object> endpointProperties() {
        // Woodstox (CXF's default) writes every non-Latin-1 character as &#NNNN; and no declaration;
        // the JDK writer produces real Shift_JIS bytes and <?xml ... encoding="Shift_JIS"?>.
        return Map.of(XMLOutputFactory.class.getName(), XMLOutputFactory.newDefaultFactory());
    }

    void configureConduit(Client client) {
        HTTPConduit conduit = (HTTPConduit) client.getConduit();
        HTTPClientPolicy policy = conduit.getClient() != null ? conduit.getClient() : new HTTPClientPolicy();
        policy.setConnectionTimeout(settings.connectTimeout().toMillis());
        policy.setReceiveTimeout(settings.receiveTimeout().toMillis());
        // CXF 4.1 otherwise offers "Upgrade: h2c" on http:// URLs, which legacy servers mishandle.
        policy.setVersion("1.1");
        // Send Content-Length like the existing adapter does, and keep the whole body buffered until it is
        // complete so that the Shift_JIS guard fails before a single byte leaves. Done with a large chunking
        // threshold, NOT setAllowChunking(false): with CXF 4.1.4's HttpClientHTTPConduit that sends a
        // "Transfer-encoding: chunked" header and an empty body (seen against the simulator).
        policy.setChunkingThreshold(CHUNKING_THRESHOLD);
        conduit.setClient(policy);
    }
}
