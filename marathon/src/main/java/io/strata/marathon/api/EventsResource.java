package io.strata.marathon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.events.EventBus;
import io.strata.marathon.validation.ApiException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code GET /v2/events}: Server-Sent Events, one {@code event: <eventType>} / {@code data: <json>} pair per event,
 * optionally filtered with {@code event_type=...} (repeatable). The stream opens with {@code event_stream_attached};
 * an empty line every 15 s keeps idle connections open.
 */
final class EventsResource {
    static final long HEARTBEAT_MS = 15_000;
    private final Supplier<EventBus> bus;

    EventsResource(Supplier<EventBus> bus) {
        this.bus = bus;
    }

    void register(Javalin app) {
        app.get("/v2/events", this::stream);
        // HTTP callback subscriptions are not offered: answer as Marathon does when started without
        // --event_subscriber http_callback (400 with a message), so clients see Marathon's error, not "URI not found"
        app.get("/v2/eventSubscriptions", EventsResource::noCallbacks);
        app.post("/v2/eventSubscriptions", EventsResource::noCallbacks);
        app.delete("/v2/eventSubscriptions", EventsResource::noCallbacks);
    }

    static final String NO_CALLBACKS = "http event callback system is not running on this Marathon instance. "
            + "Please re-start this instance with \"--event_subscriber http_callback\".";

    private static void noCallbacks(Context ctx) {
        throw ApiException.badRequest(NO_CALLBACKS);
    }

    private void stream(Context ctx) throws IOException {
        EventBus events = bus.get();
        Set<String> types = new HashSet<>(Http.multi(ctx, "event_type"));
        ctx.status(200);
        ctx.res().setContentType("text/event-stream");
        ctx.res().setCharacterEncoding("UTF-8");
        ctx.res().setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
        OutputStream out = ctx.res().getOutputStream();
        String remote = ctx.ip();
        try (EventBus.Subscription sub = events.subscribe(types)) {
            ObjectNode attached = events.event("event_stream_attached");
            attached.put("remoteAddress", remote);
            events.publish(attached);
            out.flush();
            while (!sub.isClosed()) {
                ObjectNode e = sub.next(HEARTBEAT_MS);
                if (e == null) {
                    out.write('\n');
                    out.flush();
                    continue;
                }
                write(out, e);
                ObjectNode more;
                while ((more = sub.poll()) != null) write(out, more);
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client went away
        } finally {
            ObjectNode detached = events.event("event_stream_detached");
            detached.put("remoteAddress", remote);
            events.publish(detached);
        }
    }

    private static void write(OutputStream out, ObjectNode e) throws IOException {
        String frame = "event: " + e.path("eventType").asText() + "\ndata: " + Json.write(e) + "\n\n";
        out.write(frame.getBytes(StandardCharsets.UTF_8));
    }
}
