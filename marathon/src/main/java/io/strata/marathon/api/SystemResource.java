package io.strata.marathon.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.common.json.Json;
import io.strata.marathon.Leadership;
import io.strata.marathon.Marathon;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.validation.ApiException;
import java.util.function.Supplier;

/** {@code /ping}, {@code /v2/info}, {@code /v2/leader}, and Marathon's JSON {@code /metrics} (Prometheus text stays available). */
final class SystemResource {
    private final MarathonConfig config;
    private final Leadership leadership;
    private final Supplier<Marathon> marathon;
    private final PrometheusMeterRegistry metrics;

    SystemResource(MarathonConfig config, Leadership leadership, Supplier<Marathon> marathon, PrometheusMeterRegistry metrics) {
        this.config = config;
        this.leadership = leadership;
        this.marathon = marathon;
        this.metrics = metrics;
    }

    void register(Javalin app) {
        app.get("/ping", this::ping);
        app.get("/v2/info", this::info);
        app.get("/v2/leader", this::leader);
        app.delete("/v2/leader", this::abdicate);
        app.get("/metrics/prometheus", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        // Marathon's /metrics is JSON; Prometheus scrapers (Accept: text/plain or OpenMetrics) keep the text format.
        app.before("/metrics", ctx -> {
            String accept = ctx.header("Accept");
            boolean prometheus = accept != null && (accept.contains("text/plain") || accept.contains("openmetrics"));
            if (!prometheus) {
                Http.json(ctx, jsonMetrics());
                ctx.skipRemainingHandlers();
            }
        });
    }

    private void ping(Context ctx) {
        String accept = ctx.header("Accept");
        if (accept != null && accept.contains("application/json") && !accept.contains("text/")) {
            ctx.contentType("application/json").result("\"pong\"");
        } else {
            ctx.contentType("text/plain").result("pong");
        }
    }

    private void info(Context ctx) {
        Marathon m = marathon.get();
        ObjectNode o = Json.object();
        o.put("name", "marathon");
        o.put("version", MarathonConfig.MARATHON_VERSION);
        o.put("buildref", "strata");
        o.put("elected", leadership.isLeader());
        String leader = leadership.leader().orElse(null);
        if (leader != null) o.put("leader", leader);
        else o.putNull("leader");
        String fid = m == null ? null : m.frameworkId();
        if (fid != null) o.put("frameworkId", fid);
        else o.putNull("frameworkId");
        ObjectNode mc = o.putObject("marathon_config");
        mc.putArray("access_control_allow_origin");
        mc.put("checkpoint", true);
        mc.put("decline_offer_duration", config.declineOfferDuration().toMillis());
        mc.putNull("default_network_name");
        mc.put("env_vars_prefix", "");
        mc.put("executor", "//cmd");
        mc.put("failover_timeout", config.failoverTimeout().toSeconds());
        mc.putArray("features");
        mc.put("framework_name", config.frameworkName());
        mc.put("ha", true);
        mc.put("hostname", config.hostname());
        mc.put("launch_token", 100);
        mc.put("launch_token_refresh_interval", 30000);
        mc.put("leader_proxy_connection_timeout_ms", 5000);
        mc.put("leader_proxy_read_timeout_ms", 10000);
        mc.put("local_port_max", config.localPortMax());
        mc.put("local_port_min", config.localPortMin());
        mc.put("master", config.master());
        mc.put("max_instances_per_offer", 5);
        mc.put("mesos_bridge_name", "mesos-bridge");
        mc.put("mesos_heartbeat_failure_threshold", 5);
        mc.put("mesos_heartbeat_interval", 15000);
        mc.putNull("mesos_leader_ui_url");
        mc.put("mesos_role", config.role());
        mc.put("mesos_user", config.user());
        mc.put("min_revive_offers_interval", 5000);
        mc.put("offer_matching_timeout", 3000);
        mc.put("on_elected_prepare_timeout", 180000);
        mc.put("reconciliation_initial_delay", 15000);
        mc.put("reconciliation_interval", config.reconciliationInterval().toMillis());
        mc.put("scale_apps_initial_delay", 15000);
        mc.put("scale_apps_interval", 300000);
        mc.put("store_cache", true);
        mc.put("task_launch_confirm_timeout", 300000);
        mc.put("task_launch_timeout", config.taskLaunchTimeout().toMillis());
        mc.put("task_lost_expunge_initial_delay", 300000);
        mc.put("task_lost_expunge_interval", 30000);
        mc.put("task_reservation_timeout", 20000);
        mc.put("webui_url", config.webuiUrl() != null ? config.webuiUrl() : "http://" + config.hostname() + ":" + ctx.port());
        ArrayNode roles = mc.putArray("default_accepted_resource_roles");
        config.defaultAcceptedResourceRoles().forEach(roles::add);
        ObjectNode zk = o.putObject("zookeeper_config");
        zk.put("zk", config.zk());
        zk.put("zk_compression", true);
        zk.put("zk_compression_threshold", 65536);
        zk.put("zk_connection_timeout", 10000);
        zk.put("zk_max_node_size", 1024000);
        zk.put("zk_max_versions", config.maxVersions());
        zk.put("zk_session_timeout", config.zkSessionTimeout().toMillis());
        zk.put("zk_timeout", 10000);
        ObjectNode http = o.putObject("http_config");
        http.put("http_port", ctx.port());
        http.put("https_port", 8443);
        Http.json(ctx, o);
    }

    private void leader(Context ctx) {
        String leader = leadership.leader().orElseThrow(() -> ApiException.notFound("There is no leader"));
        ObjectNode o = Json.object();
        o.put("leader", leader);
        Http.json(ctx, o);
    }

    private void abdicate(Context ctx) {
        if (!leadership.isLeader()) throw ApiException.notFound("There is no leader");
        leadership.abdicate();
        ObjectNode o = Json.object();
        o.put("message", "Leadership abdicated");
        Http.json(ctx, o);
    }

    private ObjectNode jsonMetrics() {
        ObjectNode o = Json.object();
        o.put("version", "4.0.0");
        ObjectNode counters = o.putObject("counters");
        ObjectNode gauges = o.putObject("gauges");
        o.putObject("histograms");
        o.putObject("meters");
        ObjectNode timers = o.putObject("timers");
        for (Meter meter : metrics.getMeters()) {
            String name = meter.getId().getName();
            if (meter instanceof Gauge g) gauges.putObject(name).put("value", g.value());
            else if (meter instanceof Counter c) counters.putObject(name).put("count", (long) c.count());
            else if (meter instanceof Timer t) timers.putObject(name).put("count", t.count()).put("mean", t.mean(java.util.concurrent.TimeUnit.SECONDS));
        }
        return o;
    }
}
