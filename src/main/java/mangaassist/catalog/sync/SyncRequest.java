package mangaassist.catalog.sync;

import java.util.List;

/**
 * What a sync is asked to read: the export's prefix ({@code <exports-prefix>/<runId>/}; null: the newest export) and,
 * once listed, its files.
 *
 * @param prefix the export's key prefix, ending in '/', or null before it is resolved
 * @param files  the export's files by key, in key order (empty before the listing)
 */
public record SyncRequest(String prefix, List<ExportFile> files) {

    /** An object of the export. */
    public record ExportFile(String key, long size) {
    }

    public SyncRequest {
        files = files == null ? List.of() : List.copyOf(files);
    }

    /** The run id: the export's own id, the last segment of its prefix. */
    public String runId() {
        String trimmed = prefix.substring(0, prefix.length() - 1);
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
