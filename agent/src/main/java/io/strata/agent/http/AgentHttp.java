package io.strata.agent.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.function.Supplier;

/**
 * The agent's Mesos-compatible HTTP endpoints ({@code /health} and {@code /metrics} come from HttpServers):
 * {@code /state} and {@code /state.json} (also under {@code /slave(1)/}), {@code /metrics/snapshot} and the
 * files API. Every JSON endpoint honours {@code ?jsonp=callback} as Mesos does.
 */
public final class AgentHttp {
    private final Supplier<AgentState> state;
    private final FilesApi files;

    public AgentHttp(Supplier<AgentState> state, FilesApi files) {
        this.state = state;
        this.files = files;
    }

    public void register(Javalin app) {
        for (String prefix : new String[] {"", "/slave(1)"}) {
            app.get(prefix + "/state", ctx -> json(ctx, StateJson.render(state.get()).toString()));
            app.get(prefix + "/state.json", ctx -> json(ctx, StateJson.render(state.get()).toString()));
        }
        app.get("/metrics/snapshot", ctx -> json(ctx, StateJson.metrics(state.get().counters()).toString()));
        app.get("/files/browse", ctx -> result(ctx, files.browse(ctx.queryParam("path"))));
        app.get("/files/browse.json", ctx -> result(ctx, files.browse(ctx.queryParam("path"))));
        app.get("/files/read", ctx -> result(ctx, files.read(ctx.queryParam("path"), ctx.queryParam("offset"), ctx.queryParam("length"))));
        app.get("/files/read.json", ctx -> result(ctx, files.read(ctx.queryParam("path"), ctx.queryParam("offset"), ctx.queryParam("length"))));
        app.get("/files/download", this::download);
        app.get("/files/download.json", this::download);
        app.get("/files/debug", ctx -> json(ctx, files.debug()));
        app.get("/files/debug.json", ctx -> json(ctx, files.debug()));
    }

    private void download(Context ctx) throws IOException {
        FilesApi.Result r = files.download(ctx.queryParam("path"));
        if (r.file() == null) {
            result(ctx, r);
            return;
        }
        ctx.status(200).contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + r.file().getFileName().toString().replace("\"", "") + "\"");
        InputStream in = Files.newInputStream(r.file());
        ctx.result(in);
    }

    private static void result(Context ctx, FilesApi.Result r) {
        if (r.status() == 200) {
            json(ctx, r.body());
        } else {
            ctx.status(r.status()).contentType("text/plain; charset=utf-8").result(r.body() == null ? "" : r.body());
        }
    }

    private static void json(Context ctx, String body) {
        String jsonp = ctx.queryParam("jsonp");
        if (jsonp != null && jsonp.matches("[A-Za-z_$][A-Za-z0-9_$.]{0,100}")) {
            ctx.status(200).contentType("text/javascript").result(jsonp + "(" + body + ");");
            return;
        }
        ctx.status(200).contentType("application/json").result(body);
    }
}
