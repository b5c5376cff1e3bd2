package mangaassist.catalog.sync;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import mangaassist.catalog.Product;

/**
 * A sync of one export ({@code <exports-prefix>/<runId>/}): its files with their checkpoints, its state, and, once the
 * files are written, its reconciliation. The run of an export has the export's id: starting the same export again
 * resumes its run from the checkpoints.
 */
public final class SyncRun {

    /** The exchange property holding the run while its files are synced. */
    public static final String PROPERTY = "catalogSyncRun";

    public enum State { RUNNING, RECONCILING, COMPLETED, FAILED }

    private final String runId;
    private final String prefix;
    private final Instant startedAt;
    private final List<SyncFile> files = new ArrayList<>();
    private volatile State state = State.RUNNING;
    private volatile Instant updatedAt;
    private volatile Instant finishedAt;
    private volatile String error;
    private volatile Reconciliation reconciliation;
    /** this execution: when it began and the lines done before it (the rate is this execution's) */
    private final long executionStartNanos = System.nanoTime();
    private long linesBeforeExecution;
    private final AtomicLong linesThisExecution = new AtomicLong();
    private final AtomicLong lastWriteNanos = new AtomicLong(System.nanoTime());
    private final Sample sample;

    SyncRun(String runId, String prefix, Instant startedAt, int sampleSize) {
        this.runId = runId;
        this.prefix = prefix;
        this.startedAt = startedAt;
        this.updatedAt = startedAt;
        this.sample = new Sample(sampleSize, runId.hashCode());
    }

    public String runId() {
        return runId;
    }

    /** The export's key prefix, ending in '/'. */
    public String prefix() {
        return prefix;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public List<SyncFile> files() {
        return files;
    }

    void addFile(SyncFile file) {
        files.add(file);
    }

    /** The files this execution still has to read (a done one is skipped). */
    public List<SyncFile> filesToDo() {
        return files.stream().filter(f -> !f.done()).toList();
    }

    void executionBegins() {
        linesBeforeExecution = processed();
    }

    void resumedFrom(long lines) {
        linesBeforeExecution = lines;
    }

    public State state() {
        return state;
    }

    void state(State state) {
        this.state = state;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    void touched(Instant at) {
        updatedAt = at;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    void finished(Instant at) {
        finishedAt = at;
        updatedAt = at;
    }

    public String error() {
        return error;
    }

    void error(String error) {
        this.error = error;
    }

    public Reconciliation reconciliation() {
        return reconciliation;
    }

    void reconciliation(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    public boolean isReconciled() {
        return reconciliation != null;
    }

    public long processed() {
        return files.stream().mapToLong(SyncFile::processed).sum();
    }

    public long accepted() {
        return files.stream().mapToLong(SyncFile::accepted).sum();
    }

    public long rejected() {
        return files.stream().mapToLong(SyncFile::rejected).sum();
    }

    public long bytes() {
        return files.stream().mapToLong(SyncFile::size).sum();
    }

    public long bytesDone() {
        return files.stream().mapToLong(SyncFile::bytesDone).sum();
    }

    public boolean allFilesDone() {
        return files.stream().allMatch(SyncFile::done);
    }

    /** Lines of this execution so far; returns the new count. */
    long linesRead(int lines) {
        lastWriteNanos.set(System.nanoTime());
        return linesThisExecution.addAndGet(lines);
    }

    long lastWriteNanos() {
        return lastWriteNanos.get();
    }

    /** Lines per second of this execution (0 before its first second). */
    public double rate() {
        double seconds = (System.nanoTime() - executionStartNanos) / 1e9;
        return seconds < 1e-3 ? 0 : linesThisExecution.get() / seconds;
    }

    /** Lines done before this execution began (0: it began the run). */
    public long linesBeforeExecution() {
        return linesBeforeExecution;
    }

    Sample sample() {
        return sample;
    }

    /**
     * A uniform sample of the accepted items of this execution (reservoir sampling: the catalog never in memory, a
     * fixed number of items is).
     */
    static final class Sample {
        private final int size;
        private final SplittableRandom random;
        private final List<Product> items = new ArrayList<>();
        private long seen;

        Sample(int size, long seed) {
            this.size = size;
            this.random = new SplittableRandom(seed);
        }

        synchronized void offer(Product item) {
            seen++;
            if (items.size() < size) {
                items.add(item);
            } else {
                long slot = random.nextLong(seen);
                if (slot < size) {
                    items.set((int) slot, item);
                }
            }
        }

        synchronized List<Product> items() {
            return List.copyOf(items);
        }
    }
}
