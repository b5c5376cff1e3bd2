package mangaassist.catalog.sync;

import java.util.List;
import java.util.Map;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Up to batch-size lines of one export file, transformed and checked: the items to write and the rejects, with where
 * they are in the file ({@code [firstLine, endLine)}, counted from 0). {@code toWrite} are the items DynamoDB has not
 * taken yet: all of them at first, then those a BatchWriteItem left unprocessed.
 *
 * @param file      the file
 * @param firstLine the line of the file this batch begins with
 * @param endLine   the line after its last one
 * @param lines     the lines that carry a record (blank ones are not counted)
 * @param bytes     the batch's bytes in the file (UTF-8, newlines included)
 * @param accepted  the items that passed the quality gate
 * @param toWrite   items still to write
 * @param rejects   lines the gate refused, with its reasons
 * @param attempts  BatchWriteItem calls made for this batch
 */
public record SyncBatch(SyncFile file, long firstLine, long endLine, int lines, long bytes, int accepted,
                        List<Map<String, AttributeValue>> toWrite, List<Reject> rejects, int attempts) {

    /** A line the quality gate refused: where it is, what it said, why. */
    public record Reject(String file, long line, String text, List<String> errors) {
    }

    /** Items are left to write. */
    public boolean isPending() {
        return !toWrite.isEmpty();
    }

    /** Every line of the batch was done before this execution took its file up. */
    public boolean isSkipped() {
        return endLine <= file.resumeFrom();
    }

    public boolean hasRejects() {
        return !rejects.isEmpty();
    }

    /** After a BatchWriteItem call: what it left unprocessed. */
    SyncBatch afterWrite(List<Map<String, AttributeValue>> unprocessed) {
        return new SyncBatch(file, firstLine, endLine, lines, bytes, accepted, List.copyOf(unprocessed), rejects,
                attempts + 1);
    }
}
