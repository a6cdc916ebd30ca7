package io.strata.master.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.MasterServer;
import io.strata.master.StateJson;
import java.util.Optional;
import java.util.function.Function;

/** The legacy JSON endpoints that tools read: {@code /master/state}, {@code /metrics/snapshot}, {@code /version}... */
public final class StateEndpoints {
    private final Gate gate;

    public StateEndpoints(Gate gate) {
        this.gate = gate;
    }

    public void register(Javalin app) {
        for (String path : new String[] {"/master/state", "/master/state.json", "/state", "/state.json"}) {
            app.get(path, ctx -> json(ctx, StateJson::state));
        }
        app.get("/master/state-summary", ctx -> json(ctx, StateJson::summary));
        app.get("/master/slaves", ctx -> json(ctx, StateJson::slaves));
        app.get("/master/frameworks", ctx -> json(ctx, StateJson::frameworks));
        app.get("/master/tasks", this::tasks);
        app.get("/master/tasks.json", this::tasks);
        app.get("/master/flags", ctx -> json(ctx, s -> {
            ObjectNode o = Json.object();
            o.set("flags", s.flags());
            return o;
        }));
        app.get("/master/health", ctx -> ctx.status(200).result(""));
        app.get("/master/redirect", this::redirect);
        app.get("/redirect", this::redirect);
        app.get("/metrics/snapshot", ctx -> {
            Master m = gate.leading();
            if (m == null) {
                ObjectNode o = Json.object();
                o.put("master/elected", 0);
                ctx.contentType("application/json").result(o.toString());
                return;
            }
            ctx.contentType("application/json").result(m.call(() -> new StateJson(m).metrics(true)).toString());
        });
        app.get("/version", ctx -> {
            ObjectNode o = Json.object();
            o.put("version", MasterServer.MESOS_VERSION);
            o.put("build_date", MasterServer.BUILD_DATE);
            o.put("build_time", MasterServer.BUILD_TIME);
            o.put("build_user", "strata");
            o.put("git_tag", MasterServer.MESOS_VERSION);
            o.put("strata_version", MasterServer.STRATA_VERSION);
            ctx.contentType("application/json").result(o.toString());
        });
    }

    private void json(Context ctx, Function<StateJson, ObjectNode> view) {
        // As Mesos: a master that is not leading redirects state requests to the leader.
        Master m = gate.leadingOrRedirect(ctx);
        if (m == null) return;
        ObjectNode body = m.call(() -> view.apply(new StateJson(m)));
        String jsonp = ctx.queryParam("jsonp");
        if (jsonp != null && jsonp.matches("[A-Za-z_$][A-Za-z0-9_$.]{0,63}")) {
            ctx.contentType("text/javascript").result(jsonp + "(" + body + ");");
        } else {
            ctx.contentType("application/json").result(body.toString());
        }
    }

    private void tasks(Context ctx) {
        int limit = intParam(ctx, "limit", 100);
        int offset = intParam(ctx, "offset", 0);
        if (limit < 0 || offset < 0) {
            ctx.status(400).contentType("text/plain").result("'limit' and 'offset' must be non-negative integers");
            return;
        }
        boolean desc = !"asc".equalsIgnoreCase(ctx.queryParam("order"));
        String fw = ctx.queryParam("framework_id");
        String task = ctx.queryParam("task_id");
        json(ctx, s -> s.tasks(limit, offset, desc, fw, task));
    }

    private static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private void redirect(Context ctx) {
        Master m = gate.leading();
        Optional<String> leader = m != null
                ? Optional.of(m.config().advertisedHost() + ":" + m.config().port())
                : gate.leaderAddress();
        if (leader.isEmpty()) {
            ctx.status(503).contentType("text/plain").result("No leader elected");
            return;
        }
        ctx.status(307).header("Location", "//" + leader.get()).result("");
    }
}
