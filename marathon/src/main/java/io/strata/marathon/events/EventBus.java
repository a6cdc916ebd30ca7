package io.strata.marathon.events;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.marathon.model.Timestamps;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Marathon's event bus: every event is a JSON object with {@code eventType} and {@code timestamp}. Publishing
 * never blocks: each subscriber (an SSE connection, a test) has its own queue, drained by its own thread, so a slow
 * reader only delays itself. A subscriber that falls more than {@link #MAX_QUEUED} events behind is dropped.
 */
public final class EventBus {
    public static final int MAX_QUEUED = 10_000;
    private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CopyOnWriteArrayList<Consumer<ObjectNode>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public EventBus(Clock clock) {
        this.clock = clock;
    }

    /** A new event object of the given type with its timestamp set; fill in the rest and {@link #publish} it. */
    public ObjectNode event(String type) {
        ObjectNode o = Json.object();
        o.put("eventType", type);
        o.put("timestamp", Timestamps.format(clock.instant()));
        return o;
    }

    public void publish(ObjectNode event) {
        for (Subscription s : subscriptions) s.offer(event);
        for (Consumer<ObjectNode> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                // a listener must not break the publisher
            }
        }
    }

    /** In-process listener, called on the publishing thread (must be quick). */
    public void listen(Consumer<ObjectNode> listener) {
        listeners.add(listener);
    }

    /** @param types event types to receive; empty for all */
    public Subscription subscribe(Set<String> types) {
        Subscription s = new Subscription(types);
        subscriptions.add(s);
        return s;
    }

    public int subscriberCount() {
        return subscriptions.size();
    }

    public final class Subscription implements AutoCloseable {
        private final Set<String> types;
        private final LinkedBlockingQueue<ObjectNode> queue = new LinkedBlockingQueue<>();
        private volatile boolean closed;

        Subscription(Set<String> types) {
            this.types = Set.copyOf(types);
        }

        void offer(ObjectNode event) {
            if (closed) return;
            if (!types.isEmpty() && !types.contains(event.path("eventType").asText())) return;
            if (queue.size() >= MAX_QUEUED) {
                close();
                return;
            }
            queue.add(event);
        }

        /** The next event, or null after the timeout (or once closed and drained). */
        public ObjectNode next(long timeoutMillis) throws InterruptedException {
            return queue.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        }

        public ObjectNode poll() {
            return queue.poll();
        }

        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
            subscriptions.remove(this);
        }
    }
}
