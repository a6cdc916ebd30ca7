package io.strata.agent.http;

import io.javalin.Javalin;
import io.strata.common.files.FilesApi;
import java.util.function.Supplier;

/**
 * The agent's Mesos-compatible HTTP endpoints ({@code /health} and {@code /metrics} come from HttpServers):
 * {@code /state} and {@code /state.json} (also under {@code /slave(1)/}), {@code /metrics/snapshot} and the
 * files API (sandboxes, and {@code /slave/log} when the agent logs to a file). Every JSON endpoint honours
 * {@code ?jsonp=callback} as Mesos does.
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
            app.get(prefix + "/state", ctx -> FilesApi.json(ctx, StateJson.render(state.get()).toString()));
            app.get(prefix + "/state.json", ctx -> FilesApi.json(ctx, StateJson.render(state.get()).toString()));
        }
        app.get("/metrics/snapshot", ctx -> FilesApi.json(ctx, StateJson.metrics(state.get().counters()).toString()));
        files.register(app);
    }
}
