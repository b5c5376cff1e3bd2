package mangaassist.catalog.sync;

import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

import mangaassist.platform.ApiException;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The ERP's exports in the staging bucket: {@code <exports-prefix>/<runId>/} holds one full export, files of JSON
 * Lines as DMS's full load leaves them. Finds the newest export when a sync names none, and keeps of a listing the
 * export's own files.
 */
@Component("catalogSyncExports")
public class CatalogSyncExports {

    /** A run id: the seed's {@code %Y%m%d_%H%M%S}, or any other name of letters, digits, '_', '-' and '.'. */
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    private final S3Client s3;
    private final CatalogSyncProperties properties;

    public CatalogSyncExports(S3Client s3, CatalogSyncProperties properties) {
        this.s3 = s3;
        this.properties = properties;
    }

    /**
     * The request's export, checked ({@code <exports-prefix>/<runId>/}, 400 INVALID_PREFIX otherwise), or the newest
     * export of the bucket (the greatest run id: the seed's ids are timestamps; 404 NO_EXPORT when there is none).
     */
    public SyncRequest resolve(SyncRequest request) {
        if (request.prefix() != null) {
            return new SyncRequest(checked(request.prefix()), List.of());
        }
        String root = properties.exportsPrefix() + "/";
        // one page of run prefixes (1,000): ids sort by time, and older exports are expected to expire (lifecycle)
        List<CommonPrefix> exports = s3.listObjectsV2(b -> b.bucket(properties.bucket()).prefix(root).delimiter("/"))
                .commonPrefixes();
        return exports.stream().map(CommonPrefix::prefix)
                .filter(p -> RUN_ID.matcher(p.substring(root.length(), p.length() - 1)).matches())
                .max(Comparator.naturalOrder())
                .map(p -> new SyncRequest(p, List.of()))
                .orElseThrow(() -> new ApiException("NO_EXPORT", 404,
                        "No export under s3://" + properties.bucket() + "/" + root + " to sync."));
    }

    /** The listing of the export (aws2-s3 listObjects): its files in key order; 404 EXPORT_NOT_FOUND when empty. */
    public SyncRequest listed(SyncRequest request, List<S3Object> objects) {
        List<SyncRequest.ExportFile> files = objects.stream()
                // "folders" some tools create, and empty files, hold no line
                .filter(o -> !o.key().endsWith("/") && o.size() != null && o.size() > 0)
                .sorted(Comparator.comparing(S3Object::key))
                .map(o -> new SyncRequest.ExportFile(o.key(), o.size()))
                .toList();
        if (files.isEmpty()) {
            throw new ApiException("EXPORT_NOT_FOUND", 404,
                    "No export file under s3://" + properties.bucket() + "/" + request.prefix() + ".");
        }
        return new SyncRequest(request.prefix(), files);
    }

    private String checked(String prefix) {
        String p = prefix.strip();
        if (p.startsWith("s3://" + properties.bucket() + "/")) {
            p = p.substring(("s3://" + properties.bucket() + "/").length());
        }
        if (!p.endsWith("/")) {
            p = p + "/";
        }
        String root = properties.exportsPrefix() + "/";
        String runId = p.startsWith(root) ? p.substring(root.length(), p.length() - 1) : "";
        if (!RUN_ID.matcher(runId).matches()) {
            throw new ApiException("INVALID_PREFIX", 400, "prefix must be " + root + "<runId>/ (run id: letters, digits, "
                    + "'_', '-', '.'; at most 64).");
        }
        return p;
    }
}
