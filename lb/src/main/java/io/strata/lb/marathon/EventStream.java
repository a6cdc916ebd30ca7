package io.strata.lb.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Marathon's {@code /v2/events} server-sent events as marathon-lb does: only the event types that change
 * what HAProxy serves, a full resync on every (re)connect, reconnection with a randomized, growing delay (capped by
 * {@code --max-backoff}), and a reconnect when the stream has been silent for five minutes (Marathon sends a
 * keep-alive every 15 s, so silence means a dead connection).
 */
public final class EventStream implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    public static final List<String> RELEVANT = List.of("api_post_event", "health_status_changed_event", "status_update_event");
    private static final Duration SILENCE = Duration.ofMinutes(5);

    /** What the stream reports. */
    public interface Listener {
        /** The stream is (again) open: everything may have changed since. */
        void connected();

        /** A relevant event. */
        void event(String type, JsonNode event);
    }

    private final MarathonClient client;
    private final Listener listener;
    private final Duration maxBackoff;
    private final Thread thread;
    private final AtomicLong lastData = new AtomicLong(System.nanoTime());
    private volatile boolean closed;
    private volatile boolean open;
    private volatile InputStream current;

    public EventStream(MarathonClient client, Listener listener, Duration maxBackoff) {
        this.client = client;
        this.listener = listener;
        this.maxBackoff = maxBackoff;
        this.thread = Thread.ofVirtual().name("marathon-events").unstarted(this::run);
    }

    public EventStream start() {
        thread.start();
        Thread.ofVirtual().name("marathon-events-watchdog").start(this::watchdog);
        return this;
    }

    /** Whether the stream is open right now. */
    public boolean isOpen() {
        return open;
    }

    private void run() {
        double waitSeconds = 3;
        while (!closed) {
            long started = System.nanoTime();
            URI uri = MarathonClient.resolve(client.current(), "/v2/events?plan-format=light"
                    + RELEVANT.stream().map(t -> "&event_type=" + t).reduce("", String::concat));
            try {
                stream(uri);
                LOG.info("msg=\"Marathon event stream ended, reconnecting\" url={}", uri);
            } catch (IOException e) {
                if (closed) return;
                LOG.warn("msg=\"Marathon event stream failed\" url={} error=\"{}\"", uri, e.toString());
                client.rotate();
            } catch (InterruptedException e) {
                return;
            } finally {
                open = false;
            }
            if (closed) return;
            if (Duration.ofNanos(System.nanoTime() - started).toMinutes() >= 10) waitSeconds = 3;
            long delayMs = (long) (ThreadLocalRandom.current().nextDouble() * waitSeconds * 1000);
            waitSeconds = Math.min(maxBackoff.toSeconds(), waitSeconds * 1.5);
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void stream(URI uri) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream")
                .header("Cache-Control", "no-cache").header("User-Agent", "strata-lb").GET();
        if (client.authorization() != null) b.header("Authorization", client.authorization());
        HttpResponse<InputStream> r = client.http().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            r.body().close();
            throw new IOException("GET " + uri + " answered " + r.statusCode());
        }
        current = r.body();
        lastData.set(System.nanoTime());
        open = true;
        LOG.info("msg=\"following Marathon events\" url={}", uri);
        listener.connected();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String eventName = null;
            StringBuilder data = new StringBuilder();
            String line;
            while (!closed && (line = reader.readLine()) != null) {
                lastData.set(System.nanoTime());
                if (line.isEmpty()) {
                    if (!data.isEmpty()) dispatch(eventName, data.toString());
                    eventName = null;
                    data.setLength(0);
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(5).stripLeading());
                } else if (line.startsWith("event:")) {
                    eventName = line.substring(6).strip();
                }
            }
            if (!data.isEmpty()) dispatch(eventName, data.toString());
        } finally {
            current = null;
        }
    }

    private void dispatch(String eventName, String data) {
        // Marathon has been seen to put several JSON documents in one event, separated by CRLF
        for (String part : data.split("\r\n|\n")) {
            if (part.isBlank()) continue;
            try {
                JsonNode e = Json.read(part);
                String type = e.path("eventType").asText(eventName == null ? "" : eventName);
                if (RELEVANT.contains(type)) listener.event(type, e);
            } catch (IllegalArgumentException ex) {
                LOG.debug("msg=\"ignoring a malformed event\" data=\"{}\"", part.length() > 200 ? part.substring(0, 200) : part);
            }
        }
    }

    private void watchdog() {
        while (!closed) {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                return;
            }
            InputStream in = current;
            if (in != null && System.nanoTime() - lastData.get() > SILENCE.toNanos()) {
                LOG.info("msg=\"Marathon event stream silent for five minutes, reconnecting\"");
                closeQuietly(in);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        InputStream in = current;
        if (in != null) closeQuietly(in);
        thread.interrupt();
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
