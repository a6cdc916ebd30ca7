package io.strata.it.packages;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.it.support.Http;
import java.net.URI;
import java.net.http.HttpRequest;

/**
 * Cosmos' package API as the DC/OS CLI calls it: {@code POST <base>/package/<rpc>} with the versioned media types
 * ({@code application/vnd.dcos.package.<rpc>-request+json;charset=utf-8;version=v1} in, the response type the
 * caller accepts out). Nothing Strata-specific: the same calls work against DC/OS.
 */
final class CosmosClient {
    private final URI base;

    CosmosClient(URI base) {
        this.base = base;
    }

    static String request(String rpc) {
        return "application/vnd.dcos.package." + rpc + "-request+json;charset=utf-8;version=v1";
    }

    static String response(String rpc, int version) {
        return "application/vnd.dcos.package." + rpc + "-response+json;charset=utf-8;version=v" + version;
    }

    Http.Resp call(String rpc, int responseVersion, String json) {
        return Http.send(Http.request(base.resolve("package/" + rpc))
                .header("Content-Type", request(rpc))
                .header("Accept", response(rpc, responseVersion))
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** A call that must answer 200; its JSON body. */
    JsonNode ok(String rpc, int responseVersion, String json) {
        Http.Resp r = call(rpc, responseVersion, json);
        if (r.status() != 200) throw new AssertionError("POST /package/" + rpc + " " + json + " -> " + r);
        return r.json();
    }

    Http.Resp install(String packageName, String optionsJson) {
        return call("install", 2, "{\"packageName\": \"" + packageName + "\", \"options\": " + optionsJson + "}");
    }

    JsonNode list() {
        return ok("list", 1, "{}");
    }

    JsonNode list(String packageName) {
        return ok("list", 1, "{\"packageName\": \"" + packageName + "\"}");
    }

    JsonNode uninstall(String packageName, String appId) {
        return ok("uninstall", 1, "{\"packageName\": \"" + packageName + "\", \"appId\": \"" + appId + "\"}");
    }

    /** Cosmos answers /package/search (through the gateway: Cosmos is up and routed). */
    boolean answers() {
        try {
            return call("search", 1, "{}").status() == 200;
        } catch (RuntimeException notYet) {
            return false;
        }
    }
}
