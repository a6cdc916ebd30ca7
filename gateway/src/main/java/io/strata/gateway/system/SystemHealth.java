package io.strata.gateway.system;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code /system/health/v1}: DC/OS' node health report (units with {@code health} 0 = healthy, 1 = unhealthy),
 * made by asking each daemon behind the gateway, in parallel and briefly. DC/OS reports systemd units; Strata
 * reports its daemons under the unit names DC/OS tools know.
 */
public final class SystemHealth {
    static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);

    /** One daemon to check: DC/OS' unit id and name, and how to find its health URL (null: cannot be found). */
    public record Check(String unitId, String name, String description, Callable<String> url) {}

    /** One result. {@code output} says why a unit is unhealthy. */
    public record Unit(String id, String name, String description, boolean healthy, String output) {}

    private final HttpClient http;
    private final List<Check> checks;

    public SystemHealth(HttpClient http, List<Check> checks) {
        this.http = http;
        this.checks = List.copyOf(checks);
    }

    public List<Unit> check() {
        List<Unit> out = new ArrayList<>();
        out.add(new Unit("dcos-adminrouter.service", "Admin Router", "The gateway: one port in front of every service",
                true, ""));
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Unit>> futures = new ArrayList<>();
            for (Check c : checks) futures.add(pool.submit(() -> probe(c)));
            for (Future<Unit> f : futures) {
                try {
                    out.add(f.get());
                } catch (Exception e) {
                    throw new IllegalStateException("a health probe failed unexpectedly", e);
                }
            }
        }
        return out;
    }

    private Unit probe(Check c) {
        String url;
        try {
            url = c.url().call();
        } catch (Exception e) {
            return new Unit(c.unitId(), c.name(), c.description(), false, e.getMessage());
        }
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(CHECK_TIMEOUT).GET().build();
            HttpResponse<Void> res = http.send(req, HttpResponse.BodyHandlers.discarding());
            boolean ok = res.statusCode() >= 200 && res.statusCode() < 300;
            return new Unit(c.unitId(), c.name(), c.description(), ok, ok ? "" : url + " answered HTTP " + res.statusCode());
        } catch (java.net.ConnectException e) {
            return new Unit(c.unitId(), c.name(), c.description(), false, url + ": connection refused");
        } catch (java.net.http.HttpTimeoutException e) {
            return new Unit(c.unitId(), c.name(), c.description(), false, url + ": no answer within " + CHECK_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Unit(c.unitId(), c.name(), c.description(), false, "interrupted");
        } catch (Exception e) {
            return new Unit(c.unitId(), c.name(), c.description(), false, url + ": " + e.getMessage());
        }
    }

    /** The node report, shaped as dcos-diagnostics' {@code /system/health/v1}. */
    public static ObjectNode report(List<Unit> units, String hostname, String ip, String dcosVersion, String strataVersion) {
        ObjectNode o = Json.object();
        o.set("units", unitsJson(units, true));
        o.put("hostname", hostname);
        o.put("ip", ip);
        o.put("dcos_version", dcosVersion);
        o.put("node_role", "master");
        o.put("mesos_id", "");
        o.put("dcos_diagnostics_version", "strata-" + strataVersion);
        return o;
    }

    /** {@code /system/health/v1/units}. */
    public static ObjectNode unitsReport(List<Unit> units) {
        ObjectNode o = Json.object();
        o.set("units", unitsJson(units, false));
        return o;
    }

    private static ArrayNode unitsJson(List<Unit> units, boolean withOutput) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Unit u : units) {
            ObjectNode j = a.addObject();
            j.put("id", u.id());
            j.put("name", u.name());
            j.put("health", u.healthy() ? 0 : 1);
            if (withOutput) j.put("output", u.output());
            j.put("description", u.description());
            if (withOutput) j.put("help", u.healthy() ? "" : "Check that the daemon runs and answers at its address");
        }
        return a;
    }
}
