package mangaassist.catalog.sync;

/**
 * One file of an export, and its checkpoint: how many of its lines are written (or rejected) for good, with the counts
 * of those lines. A file is read by one thread at a time; its counts move only with its checkpoint, so that a resumed
 * file counts each line once.
 */
public final class SyncFile {

    private final SyncRun run;
    private final String key;
    private final long size;
    private long linesDone;
    private long processed;
    private long accepted;
    private long rejected;
    private long bytesDone;
    private boolean done;
    /** lines done when this execution took the file up: the lines before are skipped, not read again */
    private long resumeFrom;
    private long batchesSinceCheckpoint;
    private boolean checkpointDue;

    public SyncFile(SyncRun run, String key, long size) {
        this.run = run;
        this.key = key;
        this.size = size;
    }

    /** Restores a checkpoint (from the runs table). */
    void restore(long linesDone, long processed, long accepted, long rejected, long bytesDone, boolean done) {
        this.linesDone = linesDone;
        this.processed = processed;
        this.accepted = accepted;
        this.rejected = rejected;
        this.bytesDone = bytesDone;
        this.done = done;
        this.resumeFrom = linesDone;
    }

    public SyncRun run() {
        return run;
    }

    public String key() {
        return key;
    }

    /** The file's name within its export (its key without the export's prefix). */
    public String name() {
        int slash = key.lastIndexOf('/');
        return slash < 0 ? key : key.substring(slash + 1);
    }

    public long size() {
        return size;
    }

    public synchronized long linesDone() {
        return linesDone;
    }

    public synchronized long processed() {
        return processed;
    }

    public synchronized long accepted() {
        return accepted;
    }

    public synchronized long rejected() {
        return rejected;
    }

    public synchronized long bytesDone() {
        return bytesDone;
    }

    public synchronized boolean done() {
        return done;
    }

    public synchronized long resumeFrom() {
        return resumeFrom;
    }

    /** A batch is written: its lines count as done; a checkpoint is due every {@code every} batches. */
    synchronized void advance(SyncBatch batch, int every) {
        linesDone = batch.endLine();
        processed += batch.lines();
        accepted += batch.accepted();
        rejected += batch.rejects().size();
        bytesDone += batch.bytes();
        batchesSinceCheckpoint++;
        checkpointDue = batchesSinceCheckpoint >= every;
    }

    /** True once checkpoint-every batches were written since the last checkpoint. */
    public synchronized boolean isCheckpointDue() {
        return checkpointDue;
    }

    synchronized void finished() {
        done = true;
        bytesDone = size;
    }

    synchronized void checkpointed() {
        batchesSinceCheckpoint = 0;
        checkpointDue = false;
    }
}
