package io.strata.it.marathon;

import org.awaitility.Awaitility;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.it.support.Http;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Marathon's {@code /v2/events} server-sent event stream read with java.net.http, line by line on a virtual
 * thread: each {@code event:} / {@code data:} pair becomes an {@link Event}. Closing it closes the stream.
 */
final class EventStream implements AutoCloseable {
    /** One SSE event: its {@code event:} name and its {@code data:} as JSON. */
    record Event(String type, JsonNode data) {}

    private final List<Event> events = new ArrayList<>();
    private final Thread reader;
    private volatile InputStream body;
    private volatile Throwable error;
    private volatile int status;
    private volatile String contentType;

    EventStream(URI marathon) {
        HttpRequest req = HttpRequest.newBuilder(marathon.resolve("v2/events"))
                .header("Accept", "text/event-stream").GET().build();
        reader = Thread.ofVirtual().name("it-sse").start(() -> {
            try {
                HttpResponse<InputStream> r = Http.CLIENT.send(req, HttpResponse.BodyHandlers.ofInputStream());
                status = r.statusCode();
                contentType = r.headers().firstValue("Content-Type").orElse("");
                body = r.body();
                BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8));
                String type = null;
                StringBuilder data = new StringBuilder();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (line.startsWith("event:")) {
                        type = line.substring(6).trim();
                    } else if (line.startsWith("data:")) {
                        if (!data.isEmpty()) data.append('\n');
                        data.append(line.substring(5).trim());
                    } else if (line.isEmpty() && !data.isEmpty()) {
                        JsonNode json = Json.read(data.toString().getBytes(StandardCharsets.UTF_8));
                        String t = type != null ? type : json.path("eventType").asText();
                        synchronized (events) {
                            events.add(new Event(t, json));
                        }
                        type = null;
                        data.setLength(0);
                    }
                }
            } catch (Exception e) {
                if (body == null || !Thread.currentThread().isInterrupted()) error = e;
            }
        });
    }

    /** Waits until the stream answered 200 text/event-stream (event_stream_attached is then on its way). */
    EventStream awaitOpen(Duration timeout) {
        Awaitility.await("/v2/events answers").atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (error != null && body == null) throw new AssertionError("/v2/events failed", error);
            return status != 0;
        });
        if (status != 200 || !contentType.startsWith("text/event-stream")) {
            throw new AssertionError("/v2/events -> " + status + " " + contentType);
        }
        return this;
    }

    List<Event> events() {
        synchronized (events) {
            return new ArrayList<>(events);
        }
    }

    /** Waits for the first event of that type matching; returns it. */
    Event await(String type, Predicate<JsonNode> match, Duration timeout) {
        Event[] hit = new Event[1];
        Awaitility.await("event " + type).atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> {
            for (Event e : events()) {
                if (e.type().equals(type) && match.test(e.data())) {
                    hit[0] = e;
                    return true;
                }
            }
            return false;
        });
        return hit[0];
    }

    @Override
    public void close() {
        InputStream b = body;
        try {
            if (b != null) b.close();
        } catch (Exception ignored) {
            // closing a stream being read
        }
        reader.interrupt();
    }
}
