package io.strata.master.stream;

import com.google.protobuf.Message;
import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One subscriber's RecordIO event stream (scheduler, operator or agent). The master's loop offers events
 * without blocking; the HTTP handler's own (virtual) thread drains the queue, encodes and writes, and sends a
 * heartbeat when nothing happened for a heartbeat interval. A write failure or {@link #close()} ends it.
 */
public final class EventStream<E> {
    public enum Encoding { JSON, PROTOBUF }

    private static final Object CLOSE = new Object();
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final String id;
    private final Encoding encoding;
    private volatile boolean closed;

    public EventStream(String id, Encoding encoding) {
        this.id = id;
        this.encoding = encoding;
    }

    public String id() {
        return id;
    }

    public Encoding encoding() {
        return encoding;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Queues an event; never blocks. Ignored after close. */
    public void send(E event) {
        if (!closed) queue.add(event);
    }

    /**
     * Takes the next queued event, or null after the timeout or once the stream has ended. For in-process
     * peers (tests, simulated agents) that read a stream without HTTP.
     */
    @SuppressWarnings("unchecked")
    public E next(Duration timeout) throws InterruptedException {
        Object o = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (o == CLOSE) {
            queue.add(CLOSE); // keep the end visible to the next reader
            return null;
        }
        return (E) o;
    }

    /** Ends the stream after the events already queued have been written. */
    public void close() {
        if (!closed) {
            closed = true;
            queue.add(CLOSE);
        }
    }

    /**
     * Writes events until the stream is closed or the peer goes away. Runs on the HTTP handler's thread.
     *
     * @param encoder   turns an event into the bytes of one record (JSON or protobuf)
     * @param heartbeat the event to send when idle, or null for none
     */
    @SuppressWarnings("unchecked")
    public void pump(OutputStream out, java.util.function.Function<E, byte[]> encoder, Supplier<E> heartbeat,
                     Duration heartbeatInterval) throws IOException {
        out.flush();
        long interval = heartbeatInterval.toNanos();
        // As Mesos: the first heartbeat right after what is already queued (SUBSCRIBED), then one every interval,
        // however busy the stream is, so that clients can time out on silence.
        long nextHeartbeat = System.nanoTime();
        try {
            while (true) {
                long wait = heartbeat == null ? interval : Math.max(0, nextHeartbeat - System.nanoTime());
                Object next = queue.poll(wait, TimeUnit.NANOSECONDS);
                if (next == CLOSE) break;
                if (next != null) {
                    out.write(RecordIO.frame(encoder.apply((E) next)));
                    // Write whatever else is already queued before flushing: one flush per burst.
                    Object more;
                    while ((more = queue.peek()) != null && more != CLOSE) {
                        queue.poll();
                        out.write(RecordIO.frame(encoder.apply((E) more)));
                    }
                }
                if (heartbeat != null && System.nanoTime() - nextHeartbeat >= 0) {
                    out.write(RecordIO.frame(encoder.apply(heartbeat.get())));
                    nextHeartbeat = System.nanoTime() + interval;
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closed = true;
        }
    }

    /** The usual encoder for protobuf events: binary or Mesos JSON. */
    public static <M extends Message> byte[] encode(M message, Encoding encoding) {
        return encoding == Encoding.PROTOBUF ? message.toByteArray() : ProtoJson.print(message).getBytes(StandardCharsets.UTF_8);
    }
}
