package io.strata.marathon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.deployment.DeploymentPlan;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v2/deployments}: running deployments; DELETE rolls one back, or with {@code force=true} just stops it. */
final class DeploymentsResource {
    private final Supplier<Marathon> marathon;

    DeploymentsResource(Supplier<Marathon> marathon) {
        this.marathon = marathon;
    }

    void register(Javalin app) {
        app.get("/v2/deployments", this::list);
        app.get("/v2/deployments/", this::list);
        app.delete("/v2/deployments/{id}", this::cancel);
    }

    private void list(Context ctx) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Marathon.DeploymentView d : marathon.get().deployments()) a.add(Renderer.deployment(d));
        Http.json(ctx, a);
    }

    private void cancel(Context ctx) {
        boolean force = Http.flag(ctx, "force", false);
        Optional<DeploymentPlan> rollback = marathon.get().cancelDeployment(ctx.pathParam("id"), force);
        if (rollback.isEmpty()) {
            ctx.status(202).result("");
            return;
        }
        Http.deployment(ctx, 200, rollback.get());
    }
}
