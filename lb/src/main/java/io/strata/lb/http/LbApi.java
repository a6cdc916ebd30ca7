package io.strata.lb.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.strata.common.json.Json;
import io.strata.lb.haproxy.Haproxy;
import io.strata.lb.render.RenderedConfig;
import io.strata.lb.services.Skipped;
import io.strata.lb.sync.Updater;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The load balancer's own HTTP endpoints, besides {@code /health} and {@code /metrics}: marathon-lb's signal and
 * introspection endpoints (which HAProxy's stats listener also routes here, so {@code :9090/_mlb_signal/hup} works as
 * with marathon-lb) and a JSON status.
 */
public final class LbApi {
    private final Supplier<Updater> updaterRef;
    private final Supplier<Haproxy> haproxy;

    /** Suppliers, because the API starts first: its port goes into haproxy.cfg. Until then it answers 503. */
    public LbApi(Supplier<Updater> updater, Supplier<Haproxy> haproxy) {
        this.updaterRef = updater;
        this.haproxy = haproxy;
    }

    private Updater updater() {
        Updater u = updaterRef.get();
        if (u == null) throw new io.javalin.http.ServiceUnavailableResponse("the load balancer is starting");
        return u;
    }

    public void register(Javalin app) {
        Handler hup = ctx -> {
            updater().requestSync("signal hup");
            text(ctx, "Sent SIGHUP signal to marathon-lb");
        };
        Handler usr1 = ctx -> {
            updater().requestReload();
            text(ctx, "Sent SIGUSR1 signal to marathon-lb");
        };
        app.get("/_mlb_signal/hup", hup);
        app.post("/_mlb_signal/hup", hup);
        app.get("/_mlb_signal/usr1", usr1);
        app.post("/_mlb_signal/usr1", usr1);
        app.get("/_haproxy_getconfig", ctx -> {
            RenderedConfig c = updater().state().config();
            text(ctx, c == null ? "" : c.text());
        });
        app.get("/_haproxy_getvhostmap", ctx -> {
            RenderedConfig c = updater().state().config();
            text(ctx, c == null ? "" : c.domainMap());
        });
        app.get("/_haproxy_getappmap", ctx -> {
            RenderedConfig c = updater().state().config();
            text(ctx, c == null ? "" : c.appMap());
        });
        app.get("/_haproxy_getpids", ctx -> {
            Haproxy h = haproxy.get();
            text(ctx, h == null ? "" : h.pids().stream().map(String::valueOf).collect(Collectors.joining(" ")));
        });
        app.get("/status", ctx -> ctx.json(status()));
    }

    private ObjectNode status() {
        Updater.State s = updater().state();
        ObjectNode o = Json.object();
        RenderedConfig c = s.config();
        ArrayNode apps = o.putArray("apps");
        if (c != null) c.apps().stream().sorted().forEach(apps::add);
        o.put("servers", c == null ? 0 : c.servers());
        ArrayNode skipped = o.putArray("skipped");
        for (Skipped k : s.skipped()) skipped.addObject().put("appId", k.appId()).put("reason", k.reason());
        if (s.lastSync() != null) o.put("lastSync", s.lastSync().toString());
        if (s.lastError() != null) o.put("lastError", s.lastError());
        o.put("syncs", s.syncs());
        Haproxy h = haproxy.get();
        ArrayNode pids = o.putArray("haproxyPids");
        if (h != null) h.pids().forEach(pids::add);
        return o;
    }

    private static void text(Context ctx, String body) {
        ctx.contentType("text/plain").result(body);
    }
}
