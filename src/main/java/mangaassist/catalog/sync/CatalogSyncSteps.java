package mangaassist.catalog.sync;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import mangaassist.catalog.Product;
import mangaassist.catalog.ProductQualityGate;
import mangaassist.catalog.QualityError;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The steps of one export file: its lines, batch by batch, transformed and put through the quality gate
 * ({@link ProductQualityGate}, catalog-cdc's gate: one gate for both ways into the catalog), then counted once
 * written; the rejects as JSON Lines with their reasons.
 */
@Component("catalogSyncSteps")
public class CatalogSyncSteps {

    /** The exchange property holding the file while its lines are synced. */
    public static final String FILE = "catalogSyncFile";
    private static final Logger LOG = LoggerFactory.getLogger(CatalogSyncSteps.class);
    private static final int MAX_REJECT_TEXT = 2000;
    /** What the UTF-8 decoder puts in place of bytes that are not UTF-8. */
    private static final char REPLACEMENT = '\uFFFD';
    static final String NOT_UTF8 = "line: not valid UTF-8 (another encoding?)";

    private final CatalogSyncProperties properties;
    private final ProductQualityGate gate = new ProductQualityGate();
    private final ObjectMapper json = new ObjectMapper();

    public CatalogSyncSteps(CatalogSyncProperties properties) {
        this.properties = properties;
    }

    /**
     * The export file's bytes as UTF-8 text, a byte sequence that is not UTF-8 read as U+FFFD (its line is then
     * rejected by {@link #batch}). Camel's tokenizer decodes a stream strictly: the first such byte threw
     * MalformedInputException, which failed the whole run at that line, and every resume of it again.
     */
    public Reader text(@Body InputStream file) {
        return new BufferedReader(new InputStreamReader(file, StandardCharsets.UTF_8));
    }

    /**
     * The {@code index}th group of batch-size lines of the file (the split's tokenizer joins them with '\n'): each
     * line parsed, checked and made a table item, or rejected with the gate's errors. Lines a resumed file had done
     * before are skipped. Two lines of one ISBN in a batch: the later one is written (BatchWriteItem refuses a key
     * twice), the earlier one rejected as superseded.
     */
    public SyncBatch batch(@Body String lines, @ExchangeProperty("CamelSplitIndex") int index,
                           @ExchangeProperty(FILE) SyncFile file) {
        if (file.run().state() == SyncRun.State.FAILED) {
            // another file of the run failed: the parallel split stops handing out files, this one stops here
            throw new IllegalStateException("run " + file.run().runId() + " failed: file " + file.name() + " stops");
        }
        long firstLine = (long) index * properties.batchSize();
        long line = firstLine;
        long bytes = 0;
        int count = 0;
        Map<String, Product> items = new LinkedHashMap<>();
        Map<String, Long> lineOf = new LinkedHashMap<>();
        List<SyncBatch.Reject> rejects = new ArrayList<>();
        int start = 0;
        int length = lines.length();
        while (start <= length) {
            int end = lines.indexOf('\n', start);
            if (end < 0) {
                end = length;
            }
            String text = lines.substring(start, end);
            long lineNo = line++;
            start = end + 1;
            if (end == length && text.isEmpty() && lineNo > firstLine) {
                break;   // the tokenizer's last group may end with a newline: no line after it
            }
            if (lineNo < file.resumeFrom()) {
                continue;   // done before this execution took the file up
            }
            bytes += utf8Length(text) + 1;
            String record = text.strip();
            if (record.isEmpty()) {
                continue;
            }
            count++;
            Product product = product(record, file, lineNo, rejects);
            if (product != null) {
                Long earlier = lineOf.put(product.isbn(), lineNo);
                if (earlier != null) {
                    rejects.add(new SyncBatch.Reject(file.name(), earlier + 1, null,
                            List.of("isbn: superseded by line " + (lineNo + 1) + " of the same ISBN")));
                    items.remove(product.isbn());
                }
                items.put(product.isbn(), product);
            }
        }
        items.values().forEach(file.run().sample()::offer);
        List<Map<String, AttributeValue>> toWrite = items.values().stream().map(Product::toItem).toList();
        return new SyncBatch(file, firstLine, Math.max(line, firstLine), count, bytes, toWrite.size(), toWrite, rejects, 0);
    }

    private Product product(String record, SyncFile file, long lineNo, List<SyncBatch.Reject> rejects) {
        if (record.indexOf(REPLACEMENT) >= 0) {
            // the file is read as UTF-8, and a byte sequence that is not UTF-8 (a Shift_JIS or Latin-1 line) becomes
            // U+FFFD: parsed on, the line would pass the gate and store a garbled title
            rejects.add(reject(file, lineNo, record, List.of(NOT_UTF8)));
            return null;
        }
        Map<String, Object> values;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = json.readValue(record, Map.class);
            values = parsed;
        } catch (JsonProcessingException | ClassCastException e) {
            rejects.add(reject(file, lineNo, record, List.of("line: not a JSON object")));
            return null;
        }
        List<QualityError> errors = gate.check(values);
        if (!errors.isEmpty()) {
            rejects.add(reject(file, lineNo, record, errors.stream().map(QualityError::toString).toList()));
            return null;
        }
        return Product.from(values);
    }

    private static SyncBatch.Reject reject(SyncFile file, long lineNo, String record, List<String> errors) {
        String text = record.length() <= MAX_REJECT_TEXT ? record : record.substring(0, MAX_REJECT_TEXT) + "…";
        return new SyncBatch.Reject(file.name(), lineNo + 1, text, errors);
    }

    /** A batch is written: its lines count as done in its file, and progress is logged every log-every lines. */
    public void written(@Body SyncBatch batch) {
        SyncFile file = batch.file();
        file.advance(batch, properties.checkpointEvery());
        SyncRun run = file.run();
        long before = run.linesBeforeExecution();
        long now = run.linesRead(batch.lines());
        if ((now - batch.lines()) / properties.logEvery() != now / properties.logEvery()) {
            long bytes = Math.max(1, run.bytes());
            LOG.info("catalog-sync {}: {} lines ({} %), {} rejected, {} lines/s", run.runId(), before + now,
                    String.format("%.1f", Math.min(99.9, 100.0 * run.bytesDone() / bytes)), run.rejected(),
                    Math.round(run.rate()));
        }
    }

    /** The file is read to its end. */
    public SyncFile fileDone(@ExchangeProperty(FILE) SyncFile file) {
        file.finished();
        LOG.info("catalog-sync {}: file {} done: {} lines, {} accepted, {} rejected", file.run().runId(), file.name(),
                file.processed(), file.accepted(), file.rejected());
        return file;
    }

    /** Where a batch's rejects go: {@code <rejects-prefix>/<runId>/<file>-<first line>.jsonl} (a rewrite replaces it). */
    public String rejectsKey(@Body SyncBatch batch) {
        return properties.rejectsPrefix() + "/" + batch.file().run().runId() + "/" + batch.file().name() + "-"
                + String.format("%09d", batch.firstLine() + 1) + ".jsonl";
    }

    /** A batch's rejects, one JSON object a line: {@code {"file","line","errors","text"}}. */
    public String rejectsJson(@Body SyncBatch batch) {
        StringBuilder out = new StringBuilder();
        for (SyncBatch.Reject reject : batch.rejects()) {
            ObjectNode node = json.createObjectNode().put("file", reject.file()).put("line", reject.line());
            reject.errors().forEach(node.putArray("errors")::add);
            if (reject.text() != null) {
                node.put("text", reject.text());
            }
            out.append(node).append('\n');
        }
        return out.toString();
    }

    /** Bytes of a text in UTF-8, without encoding it. */
    static long utf8Length(CharSequence text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                bytes += 1;
            } else if (c < 0x800) {
                bytes += 2;
            } else if (Character.isSurrogate(c)) {
                bytes += 2;   // a pair is 4 bytes
            } else {
                bytes += 3;
            }
        }
        return bytes;
    }
}
