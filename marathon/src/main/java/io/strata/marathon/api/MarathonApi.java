package io.strata.marathon.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.json.Json;
import io.strata.marathon.Leadership;
import io.strata.marathon.Marathon;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.events.EventBus;
import io.strata.marathon.validation.ApiException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marathon's v2 REST API on a Javalin app. A Marathon that does not lead proxies {@code /v2/*} requests to the
 * leader (as Marathon does, marking them with {@code X-Marathon-Via}); {@code /ping}, {@code /metrics} and
 * {@code /v2/leader} are answered by every Marathon.
 */
public final class MarathonApi {
    private static final Logger LOG = LoggerFactory.getLogger(MarathonApi.class);
    private static final String VIA = "X-Marathon-Via";
    private static final Set<String> HOP_HEADERS = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "keep-alive", "expect", "te", "trailer", "proxy-connection");

    private final MarathonConfig config;
    private final Leadership leadership;
    private final Supplier<Marathon> current;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public MarathonApi(MarathonConfig config, Leadership leadership, Supplier<Marathon> current) {
        this.config = config;
        this.leadership = leadership;
        this.current = current;
    }

    public void register(Javalin app, PrometheusMeterRegistry metrics, Supplier<EventBus> events) {
        Supplier<Marathon> leading = () -> {
            Marathon m = current.get();
            if (m == null) throw ApiException.message(503, "Marathon is not ready yet; try again in a moment");
            return m;
        };
        app.before("/v2/<rest>", this::leaderOrProxy);
        new SystemResource(config, leadership, current, metrics).register(app);
        new AppsResource(leading).register(app);
        new TasksResource(leading).register(app);
        new GroupsResource(leading).register(app);
        new DeploymentsResource(leading).register(app);
        new QueueResource(leading).register(app);
        new EventsResource(events).register(app);
        app.exception(ApiException.class, (e, ctx) -> Http.json(ctx, e.status(), e.body()));
        app.error(404, ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty()) {
                ObjectNode o = Json.object();
                o.put("message", "URI not found");
                ctx.contentType("application/json").result(Json.write(o));
            }
        });
        app.error(413, ctx -> {
            ObjectNode o = Json.object();
            o.put("message", "Request body is larger than " + io.strata.common.http.HttpServers.DEFAULT_MAX_REQUEST_BYTES + " bytes");
            ctx.contentType("application/json").result(Json.write(o));
        });
    }

    private void leaderOrProxy(Context ctx) throws Exception {
        if (ctx.path().equals("/v2/leader") || leadership.isLeader()) return;
        String leader = leadership.leader().orElse(null);
        String self = config.hostname() + ":" + ctx.port();
        String via = ctx.header(VIA);
        if (leader == null || leader.equals(self) || (via != null && via.contains(self))) {
            ObjectNode o = Json.object();
            o.put("message", "Could not determine the current leader");
            Http.json(ctx, 503, o);
            ctx.skipRemainingHandlers();
            return;
        }
        proxy(ctx, leader, self);
        ctx.skipRemainingHandlers();
    }

    /** Forwards the request to the leader and streams its answer back (event streams included). */
    private void proxy(Context ctx, String leader, String self) throws Exception {
        String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + leader + ctx.path() + query));
        byte[] body = ctx.bodyAsBytes();
        b.method(ctx.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String name : ctx.headerMap().keySet()) {
            if (HOP_HEADERS.contains(name.toLowerCase()) || name.equalsIgnoreCase(VIA)) continue;
            try {
                b.header(name, ctx.header(name));
            } catch (IllegalArgumentException restricted) {
                // java.net.http refuses a few headers; they are not needed upstream
            }
        }
        String via = ctx.header(VIA);
        b.header(VIA, (via == null ? "" : via + ", ") + "1.1 " + self);
        HttpResponse<InputStream> resp;
        try {
            resp = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (java.io.IOException e) {
            LOG.warn("msg=\"proxying to the leader failed\" leader={} error=\"{}\"", leader, e.toString());
            ObjectNode o = Json.object();
            o.put("message", "Could not reach the leader at " + leader);
            Http.json(ctx, 502, o);
            return;
        }
        ctx.status(resp.statusCode());
        resp.headers().map().forEach((k, vs) -> {
            if (!HOP_HEADERS.contains(k.toLowerCase()) && !k.startsWith(":") && !vs.isEmpty()) ctx.res().setHeader(k, vs.get(0));
        });
        ctx.res().setHeader(VIA, "1.1 " + self);
        try (InputStream in = resp.body()) {
            OutputStream out = ctx.res().getOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                if (in.available() == 0) out.flush();
            }
            out.flush();
        }
    }
}
