package io.strata.marathon.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.Marathon;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.model.Instance;

import io.strata.marathon.validation.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@code /v2/tasks} (JSON, or Marathon's tab-separated text for {@code Accept: text/plain}) and {@code /v2/tasks/delete}. */
final class TasksResource {
    private final Supplier<Marathon> marathon;

    TasksResource(Supplier<Marathon> marathon) {
        this.marathon = marathon;
    }

    void register(Javalin app) {
        app.get("/v2/tasks", this::list);
        app.post("/v2/tasks/delete", this::delete);
    }

    private void list(Context ctx) {
        Marathon m = marathon.get();
        if (Http.wantsText(ctx)) {
            ctx.contentType("text/plain").result(Renderer.tasksText(m, m.root().transitiveApps().keySet()));
            return;
        }
        List<String> status = Http.multi(ctx, "status");
        ArrayNode tasks = Json.MAPPER.createArrayNode();
        for (Instance i : m.instances()) {
            if (i.isScheduled()) continue;
            if (!status.isEmpty() && status.stream().noneMatch(s -> matches(s, i))) continue;
            tasks.add(Renderer.task(m, m.app(i.appId()).orElse(null), i));
        }
        ObjectNode o = Json.object();
        o.set("tasks", tasks);
        Http.json(ctx, o);
    }

    private static boolean matches(String status, Instance i) {
        return switch (status.toLowerCase()) {
            case "running" -> i.isRunning();
            case "staging" -> i.condition() == Instance.Condition.Staging || i.condition() == Instance.Condition.Provisioned
                    || i.condition() == Instance.Condition.Starting;
            default -> false;
        };
    }

    private void delete(Context ctx) {
        Marathon m = marathon.get();
        JsonNode body = Http.body(ctx);
        boolean scale = Http.flag(ctx, "scale", false);
        boolean wipe = Http.flag(ctx, "wipe", false);
        boolean force = Http.flag(ctx, "force", false);
        if (scale && wipe) throw ApiException.badRequest("You cannot use scale and wipe at the same time.");
        if (!body.isObject() || !body.path("ids").isArray()) {
            io.strata.marathon.validation.Violations v = new io.strata.marathon.validation.Violations();
            v.add("/ids", "error.path.missing");
            v.throwIfAny(io.strata.marathon.validation.Violations.INVALID_JSON);
        }
        List<Instance> victims = new ArrayList<>();
        for (JsonNode id : body.get("ids")) {
            String taskId = id.asText();
            if (Instance.instanceIdOf(taskId) == null && m.instance(taskId).isEmpty()) {
                throw ApiException.badRequest("Invalid task id '" + taskId + "'. [" + taskId + "]");
            }
            m.instanceByTaskId(taskId).or(() -> m.instance(taskId)).ifPresent(victims::add);
        }
        for (Instance i : victims) m.app(i.appId()).orElseThrow(() -> ApiException.appNotFound(i.appId()));
        Optional<DeploymentPlan> plan = m.killInstances(victims, scale, wipe, force);
        if (plan.isPresent()) {
            Http.deployment(ctx, 200, plan.get());
            return;
        }
        ObjectNode o = Json.object();
        ArrayNode a = o.putArray("tasks");
        for (Instance i : victims) if (!i.isScheduled()) a.add(Renderer.task(m, m.app(i.appId()).orElse(null), i));
        Http.json(ctx, o);
    }

}
