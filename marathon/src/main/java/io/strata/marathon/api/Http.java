package io.strata.marathon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import io.strata.common.json.Json;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.codec.Renderer;
import io.strata.marathon.validation.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Request and response helpers shared by the resources: Marathon's JSON bodies and its error answers. */
final class Http {
    static final String DEPLOYMENT_HEADER = "Marathon-Deployment-Id";

    private Http() {}

    static void json(Context ctx, int status, JsonNode body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }

    static void json(Context ctx, JsonNode body) {
        json(ctx, 200, body);
    }

    /** {@code {"version", "deploymentId"}} with the deployment header. */
    static void deployment(Context ctx, int status, DeploymentPlan plan) {
        ctx.header(DEPLOYMENT_HEADER, plan.id());
        json(ctx, status, Renderer.deploymentResult(plan));
    }

    /**
     * The body as JSON, with Marathon's answers for a missing body (400 "Please specify data in JSON format") and
     * malformed JSON (400 "Invalid JSON").
     */
    static JsonNode body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0 || new String(bytes, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            ObjectNode o = Json.object();
            o.put("message", "Please specify data in JSON format");
            o.put("details", "No content to map due to end-of-input");
            throw new ApiException(400, o);
        }
        try {
            JsonNode n = Json.MAPPER.readTree(bytes);
            if (n == null || n.isMissingNode()) throw new IOException("No content to map due to end-of-input");
            return n;
        } catch (JsonProcessingException e) {
            ObjectNode o = Json.object();
            o.put("message", "Invalid JSON");
            o.put("details", e.getOriginalMessage());
            throw new ApiException(400, o);
        } catch (IOException e) {
            ObjectNode o = Json.object();
            o.put("message", "Invalid JSON");
            o.put("details", e.getMessage());
            throw new ApiException(400, o);
        }
    }

    static boolean flag(Context ctx, String name, boolean dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isEmpty()) return dflt;
        return v.equalsIgnoreCase("true") || v.equals("1");
    }

    /** All values of a repeatable query parameter, also accepting comma-separated lists. */
    static List<String> multi(Context ctx, String name) {
        List<String> out = new ArrayList<>();
        for (String v : ctx.queryParams(name)) for (String p : v.split(",")) if (!p.isBlank()) out.add(p.trim());
        return out;
    }

    static boolean wantsText(Context ctx) {
        String accept = ctx.header("Accept");
        return accept != null && accept.contains("text/plain") && !accept.contains("application/json");
    }
}
