package io.strata.agent.containerizer.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.strata.agent.checkpoint.AtomicFiles;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a container's output into the sandbox's {@code stdout} and {@code stderr}, as Mesos' docker executor
 * does, by following Docker's log of the container (so the container writes to Docker, not to the agent, and
 * outlives it). Each entry is read with its timestamp, which is stripped; the timestamp of the last entry copied
 * is checkpointed next to the task (at most every second, and when the copier stops), so an agent that comes
 * back resumes where the last one stopped instead of copying everything again. After a crash up to a second of
 * output may be copied twice.
 */
final class DockerLogCopier implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerLogCopier.class);
    static final String POSITION_FILE = "docker_logs_position";
    private static final long SAVE_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final DockerClient client;
    private final String dockerId;
    private final Path sandbox;
    private final Path positionFile;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean closed;
    private volatile ResultCallback.Adapter<Frame> current;

    // the position: the newest timestamp copied and how many entries carried exactly that timestamp
    private Instant lastTs;
    private int atLastTs;
    // entries at exactly the resumed timestamp that were copied before (skipped again)
    private Instant resumeTs;
    private int resumeSkip;
    private long lastSaveNanos = System.nanoTime();
    private boolean dirty;
    private OutputStream stdout;
    private OutputStream stderr;

    DockerLogCopier(DockerClient client, String dockerId, Path sandbox, Path metaDir) {
        this.client = client;
        this.dockerId = dockerId;
        this.sandbox = sandbox;
        this.positionFile = metaDir.resolve(POSITION_FILE);
    }

    /** Starts copying on a thread of its own; returns at once. */
    void start() {
        Thread.ofVirtual().name("docker-logs-" + dockerId.substring(0, Math.min(12, dockerId.length()))).start(this::run);
    }

    /** Waits until the log has been copied to its end (the container stopped). */
    boolean awaitDone(Duration max) throws InterruptedException {
        return done.await(max.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run() {
        try {
            readPosition();
            stdout = new FileOutputStream(sandbox.resolve("stdout").toFile(), true);
            stderr = new FileOutputStream(sandbox.resolve("stderr").toFile(), true);
            long backoffMs = 250;
            while (!closed) {
                Copy copy = new Copy();
                current = copy;
                var cmd = client.logContainerCmd(dockerId).withStdOut(true).withStdErr(true)
                        .withFollowStream(true).withTimestamps(true);
                synchronized (this) {
                    if (lastTs != null) cmd.withSince((int) lastTs.getEpochSecond());
                    // resuming: entries up to the position were copied already
                    resumeTs = lastTs;
                    resumeSkip = atLastTs;
                }
                cmd.exec(copy);
                copy.awaitCompletion();
                if (closed || copy.error == null) break; // the log ended: the container stopped
                if (copy.error instanceof NotFoundException) break;
                LOG.warn("msg=\"reading a container's log failed; retrying\" container={} error=\"{}\"", dockerId, copy.error.toString());
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            if (!closed) LOG.warn("msg=\"cannot copy a container's log into its sandbox\" container={} error=\"{}\"", dockerId, e.toString());
        } finally {
            synchronized (this) {
                savePosition();
                closeQuietly(stdout);
                closeQuietly(stderr);
            }
            done.countDown();
        }
    }

    private final class Copy extends ResultCallback.Adapter<Frame> {
        volatile Throwable error;

        @Override
        public void onNext(Frame frame) {
            copy(frame);
        }

        @Override
        public void onError(Throwable throwable) {
            // recorded and handled by the loop (retry or stop); the template would log it as an error
            error = throwable;
            try {
                close();
            } catch (IOException e) {
                // already broken
            }
        }
    }

    private synchronized void copy(Frame frame) {
        if (closed) return;
        byte[] payload = frame.getPayload();
        if (payload == null || payload.length == 0) return;
        int space = -1;
        for (int i = 0; i < Math.min(payload.length, 40); i++) {
            if (payload[i] == ' ') {
                space = i;
                break;
            }
        }
        Instant ts = null;
        if (space > 0) {
            try {
                ts = Instant.parse(new String(payload, 0, space, StandardCharsets.US_ASCII));
            } catch (DateTimeParseException e) {
                ts = null;
            }
        }
        int offset = 0;
        if (ts != null) {
            offset = space + 1;
            if (resumeTs != null) {
                if (ts.isBefore(resumeTs)) return;
                if (ts.equals(resumeTs) && resumeSkip > 0) {
                    resumeSkip--;
                    return;
                }
            }
            if (ts.equals(lastTs)) atLastTs++;
            else if (lastTs == null || ts.isAfter(lastTs)) {
                lastTs = ts;
                atLastTs = 1;
            }
            dirty = true;
        }
        try {
            OutputStream out = frame.getStreamType() == StreamType.STDERR ? stderr : stdout;
            out.write(payload, offset, payload.length - offset);
        } catch (IOException e) {
            LOG.warn("msg=\"cannot write a container's output into its sandbox\" container={} error=\"{}\"", dockerId, e.toString());
        }
        if (System.nanoTime() - lastSaveNanos > SAVE_EVERY_NANOS) savePosition();
    }

    private synchronized void readPosition() {
        try {
            String text = AtomicFiles.readOrNull(positionFile);
            if (text == null || text.isBlank()) return;
            String[] parts = text.trim().split(" ");
            lastTs = Instant.parse(parts[0]);
            atLastTs = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        } catch (IOException | RuntimeException e) {
            LOG.warn("msg=\"unreadable log position; copying the container's log from its start\" file={} error=\"{}\"", positionFile, e.toString());
            lastTs = null;
            atLastTs = 0;
        }
    }

    private void savePosition() {
        if (!dirty || lastTs == null) return;
        try {
            if (Files.isDirectory(positionFile.getParent())) AtomicFiles.write(positionFile, lastTs + " " + atLastTs + "\n");
            dirty = false;
        } catch (IOException e) {
            LOG.debug("msg=\"cannot save log position\" file={} error=\"{}\"", positionFile, e.toString());
        }
        lastSaveNanos = System.nanoTime();
    }

    private static void closeQuietly(OutputStream out) {
        if (out == null) return;
        try {
            out.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }

    /** Stops following (the agent stops; the container keeps running) and saves the position. */
    @Override
    public void close() {
        closed = true;
        ResultCallback.Adapter<Frame> c = current;
        if (c != null) {
            try {
                c.close();
            } catch (IOException e) {
                // the stream is gone either way
            }
        }
        synchronized (this) {
            savePosition();
        }
    }
}
