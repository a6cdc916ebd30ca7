package io.strata.agent.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Where the agent's checkpoint files ({@code meta/agent.json}, {@code framework.json}, {@code task.json},
 * {@code updates.json}) are written. A write returns a sequence number; whatever must not happen before the
 * write is on disk (sending the status update it records) waits for it with {@link #whenDurable}. Writes become
 * durable in the order they were made, so a later write being durable means every earlier one is too.
 */
public interface CheckpointStore {
    /**
     * Replaces {@code file} with the bytes {@code content} returns. The supplier may run later, on another
     * thread, or not at all when a later write replaces the file first: it must read only immutable data.
     */
    long put(Path file, Supplier<byte[]> content);

    /** Deletes a file or a whole directory tree. */
    long delete(Path fileOrDirectory);

    /** Runs {@code action} once every write up to {@code seq} is on disk: at once (on this thread) if it already is. */
    void whenDurable(long seq, Runnable action);

    boolean isDurable(long seq);

    /** The sequence number of the latest write. */
    long lastSeq();

    /**
     * Writes that go straight to their files, each flushed to disk before the call returns: what the agent did
     * before the checkpoint log, kept for tools and tests that want files at once.
     */
    static CheckpointStore direct() {
        return new CheckpointStore() {
            @Override
            public long put(Path file, Supplier<byte[]> content) {
                try {
                    AtomicFiles.write(file, content.get());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return 0;
            }

            @Override
            public long delete(Path fileOrDirectory) {
                CheckpointLog.deleteTree(fileOrDirectory);
                return 0;
            }

            @Override
            public void whenDurable(long seq, Runnable action) {
                action.run();
            }

            @Override
            public boolean isDurable(long seq) {
                return true;
            }

            @Override
            public long lastSeq() {
                return 0;
            }
        };
    }
}
