package io.strata.agent.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's checkpoints as one append-only log with group commit: writes are queued in memory and a single
 * committer thread appends everything queued since its last commit to {@code meta/checkpoints.<n>.log} with
 * one {@code fdatasync}, then runs what waited for them (sending status updates). However many tasks launch at
 * once, a commit costs one flush; a file written several times within one commit is written once.
 *
 * <p>The log holds whole file contents ("put" {@code frameworks/<fw>/tasks/<task>/task.json} = bytes) and
 * deletes, each record framed with its length and CRC-32, so a record torn by a crash is recognised and
 * dropped (nothing that depended on it was sent). The files themselves keep the classic per-file layout
 * ({@link Layout}) and are brought up to date ("materialized") from the log: when the agent starts (before it
 * reads them), when it stops gracefully, and in the background when a log grows past {@code rotateBytes}
 * (writing then goes on in a new log; the old one is deleted once its files are on disk). Recovery reads the
 * files as it always did. Nothing reads the files while the agent runs.
 *
 * <p>Thread-safe. Actions passed to {@link #whenDurable} run on the committer thread (or at once on the caller's
 * when already durable) and must not block.
 */
public final class CheckpointLog implements CheckpointStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointLog.class);
    private static final Pattern LOG_NAME = Pattern.compile("checkpoints\\.(\\d{1,18})\\.log");
    public static final long DEFAULT_ROTATE_BYTES = 8L << 20;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final int HEADER = 8; // length, crc

    /** One queued write: a put (content != null) or a delete; paths are relative to the root, '/'-separated. */
    record Op(long seq, String path, Supplier<byte[]> content) {
        boolean isDelete() {
            return content == null;
        }
    }

    /** What the log has done so far; for logs and tests. */
    public record Stats(long commits, long records, long bytes, long flushNanos, int rotations) {}

    private final Path root;
    private final long rotateBytes;
    private final Object lock = new Object();
    private final TreeMap<Long, List<Runnable>> waiting = new TreeMap<>();
    private final Thread committer;

    // guarded by lock
    private List<Op> queue = new ArrayList<>();
    private long appended;
    private long durable;
    private boolean closing;
    private boolean closed;

    // committer thread only (and close(), after the committer stopped)
    private FileChannel channel;
    private Path file;
    private long index;
    private long fileBytes;
    private Thread compactor;
    private long commits;
    private long records;
    private long bytes;
    private long flushNanos;
    private int rotations;

    private CheckpointLog(Path root, long rotateBytes, long index) throws IOException {
        this.root = root;
        this.rotateBytes = rotateBytes;
        this.index = index;
        this.file = logFile(root, index);
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        syncDirectory(root);
        this.committer = new Thread(this::commitLoop, "agent-checkpoints");
        committer.setDaemon(true);
        committer.start();
    }

    /**
     * Opens the log of the checkpoint directory {@code root}: logs left by a previous agent (a crash) are
     * materialized into their files and removed first, so the files are complete when this returns.
     */
    public static CheckpointLog open(Path root) throws IOException {
        return open(root, DEFAULT_ROTATE_BYTES);
    }

    public static CheckpointLog open(Path root, long rotateBytes) throws IOException {
        root = root.toAbsolutePath().normalize();
        Files.createDirectories(root);
        long next = 1;
        for (Path old : existingLogs(root)) {
            next = Math.max(next, indexOf(old) + 1);
            int applied = materialize(root, old);
            Files.delete(old);
            LOG.info("msg=\"applied checkpoint log left by the previous agent\" log={} records={}", old.getFileName(), applied);
        }
        syncDirectory(root);
        return new CheckpointLog(root, rotateBytes, next);
    }

    // ------------------------------------------------------------------ writes

    @Override
    public long put(Path file, Supplier<byte[]> content) {
        if (content == null) throw new IllegalArgumentException("content");
        return enqueue(file, content);
    }

    @Override
    public long delete(Path fileOrDirectory) {
        return enqueue(fileOrDirectory, null);
    }

    private long enqueue(Path target, Supplier<byte[]> content) {
        String path = relative(target);
        synchronized (lock) {
            if (!closed) {
                long seq = ++appended;
                queue.add(new Op(seq, path, content));
                if (queue.size() == 1) lock.notifyAll();
                return seq;
            }
        }
        // after close (a launch that finished while the agent stopped): straight to the file, as before the log
        apply(root, new Op(0, path, content));
        return 0;
    }

    @Override
    public void whenDurable(long seq, Runnable action) {
        synchronized (lock) {
            if (seq > durable && !closed) {
                waiting.computeIfAbsent(seq, k -> new ArrayList<>(1)).add(action);
                return;
            }
        }
        action.run();
    }

    @Override
    public boolean isDurable(long seq) {
        synchronized (lock) {
            return seq <= durable || closed;
        }
    }

    @Override
    public long lastSeq() {
        synchronized (lock) {
            return appended;
        }
    }

    /** Waits until every write made so far is on disk; false if that took longer than {@code max}. */
    public boolean sync(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            long target = appended;
            while (durable < target && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    public Stats stats() {
        synchronized (lock) {
            return new Stats(commits, records, bytes, flushNanos, rotations);
        }
    }

    // ------------------------------------------------------------------ the committer

    private void commitLoop() {
        while (true) {
            List<Op> batch;
            synchronized (lock) {
                while (queue.isEmpty() && !closing) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        if (closing) break;
                    }
                }
                if (queue.isEmpty()) return; // closing, and everything is written
                batch = queue;
                queue = new ArrayList<>();
            }
            long last = batch.get(batch.size() - 1).seq();
            long t0 = System.nanoTime();
            int written = 0;
            long n = 0;
            try {
                List<Op> kept = coalesce(batch);
                byte[] framed = frame(kept);
                written = kept.size();
                n = framed.length;
                ByteBuffer buf = ByteBuffer.wrap(framed);
                while (buf.hasRemaining()) channel.write(buf);
                channel.force(false);
                fileBytes += n;
            } catch (IOException | RuntimeException e) {
                // Mesos would abort here. The agent goes on (what it sends is still delivered while it lives), but
                // a restart may not find these tasks: say so loudly.
                LOG.error("msg=\"cannot write checkpoints; tasks may not be recovered after a restart\" log={} error=\"{}\"",
                        file, e.toString());
            }
            long took = System.nanoTime() - t0;
            List<Runnable> due = new ArrayList<>();
            synchronized (lock) {
                durable = last;
                commits++;
                records += written;
                bytes += n;
                flushNanos += took;
                while (!waiting.isEmpty() && waiting.firstKey() <= last) due.addAll(waiting.pollFirstEntry().getValue());
                lock.notifyAll(); // sync()
            }
            for (Runnable r : due) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("msg=\"an action waiting for a checkpoint failed\"", e);
                }
            }
            if (fileBytes >= rotateBytes) rotate();
        }
    }

    /** Continues in a new log and materializes the full one in the background (one at a time). */
    private void rotate() {
        if (compactor != null && compactor.isAlive()) return; // the log grows until the previous one is done
        Path full = file;
        try {
            FileChannel next = FileChannel.open(logFile(root, index + 1), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            syncDirectory(root);
            channel.close();
            channel = next;
            index++;
            file = logFile(root, index);
            fileBytes = 0;
        } catch (IOException e) {
            LOG.warn("msg=\"cannot start a new checkpoint log; going on with the old one\" error=\"{}\"", e.toString());
            return;
        }
        synchronized (lock) {
            rotations++;
        }
        compactor = Thread.ofVirtual().name("agent-checkpoints-compactor").start(() -> {
            try {
                materialize(root, full);
                Files.delete(full);
                syncDirectory(root);
            } catch (IOException | UncheckedIOException e) {
                LOG.warn("msg=\"cannot materialize a checkpoint log; it stays for the next start\" log={} error=\"{}\"",
                        full, e.toString());
            }
        });
    }

    /**
     * Writes what is queued, stops the committer and brings the files up to date, so that after a graceful stop
     * the checkpoint directory holds plain files and no log. Later writes go straight to their files.
     */
    @Override
    public void close() {
        synchronized (lock) {
            if (closing) return;
            closing = true;
            lock.notifyAll();
        }
        try {
            committer.join(TimeUnit.SECONDS.toMillis(30));
            Thread c = compactor;
            if (c != null) c.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Runnable> left = new ArrayList<>();
        List<Op> late;
        synchronized (lock) {
            closed = true;
            late = queue; // written after the committer's last look (or all of it, if it hung)
            queue = new ArrayList<>();
            for (List<Runnable> l : waiting.values()) left.addAll(l);
            waiting.clear();
            lock.notifyAll();
        }
        try {
            if (committer.isAlive()) {
                LOG.warn("msg=\"the checkpoint committer did not stop; leaving the log for the next start\"");
                return;
            }
            channel.close();
            for (Path log : existingLogs(root)) {
                materialize(root, log);
                Files.delete(log);
            }
            for (Op op : coalesce(late)) apply(root, op);
            syncDirectory(root);
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("msg=\"cannot materialize the checkpoint log on stop; the next start will\" error=\"{}\"", e.toString());
        }
        for (Runnable r : left) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("msg=\"an action waiting for a checkpoint failed on stop\" error=\"{}\"", e.toString());
            }
        }
    }

    // ------------------------------------------------------------------ format

    /**
     * Drops every put that a later op of the same list makes pointless: a later put of the same file, or a later
     * delete of it or of a directory above it. Deletes are kept (they are cheap and order matters).
     */
    static List<Op> coalesce(List<Op> ops) {
        if (ops.size() < 2) return ops;
        Set<String> touchedLater = new HashSet<>();
        Set<String> deletedLater = new HashSet<>();
        boolean[] keep = new boolean[ops.size()];
        int kept = 0;
        for (int i = ops.size() - 1; i >= 0; i--) {
            Op op = ops.get(i);
            if (op.isDelete()) {
                keep[i] = true;
                deletedLater.add(op.path());
            } else {
                keep[i] = !touchedLater.contains(op.path()) && !underAny(op.path(), deletedLater);
            }
            touchedLater.add(op.path());
            if (keep[i]) kept++;
        }
        if (kept == ops.size()) return ops;
        List<Op> out = new ArrayList<>(kept);
        for (int i = 0; i < ops.size(); i++) if (keep[i]) out.add(ops.get(i));
        return out;
    }

    private static boolean underAny(String path, Set<String> dirs) {
        if (dirs.isEmpty()) return false;
        if (dirs.contains(path)) return true;
        for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
            if (dirs.contains(path.substring(0, i))) return true;
        }
        return false;
    }

    /** Records as {@code <length><crc32><op><path length><path><content>}; a put whose content fails is left out. */
    static byte[] frame(List<Op> ops) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(ops.size() * 1024);
        for (Op op : ops) {
            byte[] content;
            try {
                content = op.isDelete() ? new byte[0] : op.content().get();
            } catch (RuntimeException e) {
                LOG.error("msg=\"cannot render a checkpoint; it is not written\" path={} error=\"{}\"", op.path(), e.toString());
                continue;
            }
            byte[] path = op.path().getBytes(StandardCharsets.UTF_8);
            ByteBuffer payload = ByteBuffer.allocate(1 + 4 + path.length + content.length);
            payload.put(op.isDelete() ? DELETE : PUT).putInt(path.length).put(path).put(content);
            CRC32 crc = new CRC32();
            crc.update(payload.array());
            ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(payload.capacity()).putInt((int) crc.getValue());
            out.writeBytes(header.array());
            out.writeBytes(payload.array());
        }
        return out.toByteArray();
    }

    /** The records of a log up to the first one that is torn or corrupt (the tail of a crash). */
    static List<Op> read(Path log) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(log));
        List<Op> ops = new ArrayList<>();
        while (in.remaining() >= HEADER) {
            int start = in.position();
            int length = in.getInt();
            int crc = in.getInt();
            if (length < 5 || length > in.remaining()) {
                in.position(start);
                break;
            }
            byte[] payload = new byte[length];
            in.get(payload);
            CRC32 check = new CRC32();
            check.update(payload);
            ByteBuffer p = ByteBuffer.wrap(payload);
            byte type = p.get();
            int pathLength = p.getInt();
            if ((int) check.getValue() != crc || (type != PUT && type != DELETE) || pathLength < 0 || pathLength > p.remaining()) {
                in.position(start);
                break;
            }
            String path = new String(payload, 5, pathLength, StandardCharsets.UTF_8);
            byte[] content = new byte[p.remaining() - pathLength];
            System.arraycopy(payload, 5 + pathLength, content, 0, content.length);
            ops.add(new Op(ops.size() + 1, path, type == PUT ? () -> content : null));
        }
        if (in.hasRemaining()) {
            LOG.warn("msg=\"checkpoint log ends with a torn or corrupt record; it is dropped\" log={} dropped_bytes={}",
                    log, in.remaining());
        }
        return ops;
    }

    /** Applies a log's records to the files under {@code root}, each file flushed to disk; returns how many. */
    static int materialize(Path root, Path log) throws IOException {
        List<Op> ops = coalesce(read(log));
        for (Op op : ops) apply(root, op);
        return ops.size();
    }

    private static void apply(Path root, Op op) {
        Path target = resolve(root, op.path());
        if (target == null) {
            LOG.warn("msg=\"ignoring checkpoint record for a path outside the checkpoint directory\" path=\"{}\"", op.path());
            return;
        }
        if (op.isDelete()) {
            deleteTree(target);
            return;
        }
        try {
            AtomicFiles.write(target, op.content().get());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code root}/{@code path} when the path is relative, plain and stays inside root; else null. */
    static Path resolve(Path root, String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) return null;
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return null;
        }
        Path p = root.resolve(path).normalize();
        return p.startsWith(root) && !p.equals(root) ? p : null;
    }

    private String relative(Path target) {
        Path abs = target.toAbsolutePath().normalize();
        if (!abs.startsWith(root) || abs.equals(root)) {
            throw new IllegalArgumentException(target + " is not inside the checkpoint directory " + root);
        }
        StringBuilder s = new StringBuilder();
        for (Path segment : root.relativize(abs)) {
            if (!s.isEmpty()) s.append('/');
            s.append(segment);
        }
        return s.toString();
    }

    static Path logFile(Path root, long index) {
        return root.resolve("checkpoints." + index + ".log");
    }

    private static long indexOf(Path log) {
        Matcher m = LOG_NAME.matcher(log.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    static List<Path> existingLogs(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(root, "checkpoints.*.log")) {
            for (Path p : dir) if (indexOf(p) >= 0) out.add(p);
        }
        out.sort(Comparator.comparingLong(CheckpointLog::indexOf));
        return out;
    }

    /** Makes a directory's entries (a new or deleted log) durable; best effort where the OS cannot. */
    static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.debug("msg=\"cannot flush directory\" dir={} error=\"{}\"", dir, e.toString());
        }
    }

    static void deleteTree(Path target) {
        if (!Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        try (var walk = Files.walk(target)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            LOG.debug("msg=\"cannot delete\" path={} error=\"{}\"", target, e.toString());
        }
    }
}
