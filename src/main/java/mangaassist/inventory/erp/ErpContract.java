package mangaassist.inventory.erp;

import javax.xml.namespace.QName;

/** Names from {@code wsdl/legacy-inventory.wsdl}, in one place. */
public final class ErpContract {

    public static final String NAMESPACE = "http://legacy-erp.manga-store.co.jp/inventory/v1";
    public static final String WSDL_LOCATION = "classpath:wsdl/legacy-inventory.wsdl";
    public static final QName SERVICE = new QName(NAMESPACE, "InventoryService");
    public static final QName PORT = new QName(NAMESPACE, "InventoryPort");

    /** Values of the Camel header {@code operationName} ({@code CxfConstants.OPERATION_NAME}). */
    public static final String OP_GET_STOCK_LEVEL = "GetStockLevel";
    public static final String OP_GET_BATCH_STOCK_LEVELS = "GetBatchStockLevels";

    /** The ERP refuses larger batches (schema maxOccurs). */
    public static final int MAX_BATCH = 20;

    private ErpContract() {
    }
}
