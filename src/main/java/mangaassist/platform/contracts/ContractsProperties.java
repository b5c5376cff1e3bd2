package mangaassist.platform.contracts;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * mangaassist.contracts.*: the error code a REST edge answers when its body breaks its schema, by schema file name
 * (the code each flow gave the same fault before the schemas, e.g. INVALID_JOB); {@code default-error-code} for any
 * other.
 */
@ConfigurationProperties(prefix = "mangaassist.contracts")
public record ContractsProperties(Map<String, String> errorCodes, String defaultErrorCode) {

    public ContractsProperties {
        errorCodes = errorCodes == null ? Map.of() : Map.copyOf(errorCodes);
        defaultErrorCode = defaultErrorCode == null || defaultErrorCode.isBlank() ? "INVALID_REQUEST" : defaultErrorCode;
    }

    public String errorCode(String schemaName) {
        return errorCodes.getOrDefault(schemaName, defaultErrorCode);
    }
}
