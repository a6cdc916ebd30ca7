package io.strata.lb.zdd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.lb.marathon.MarathonClient;
import io.strata.lb.render.ConfigRenderer;
import io.strata.lb.services.ServiceLabels;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Zero-downtime blue/green deployment, as marathon-lb's {@code zdd.py} does it, driven through Marathon's API and the
 * load balancers' stats.
 *
 * <pre>
 *  app.json (HAPROXY_DEPLOYMENT_GROUP, HAPROXY_DEPLOYMENT_ALT_PORT, a fixed service port P)
 *     │ first deploy: "&lt;id&gt;-blue" on P                       later: the other colour on the other port (P / ALT)
 *     ▼                                                      labels: HAPROXY_0_PORT=P, TARGET_INSTANCES, STARTED_AT, COLOUR
 *  POST /v2/apps ─► the load balancer serves both apps as one backend "&lt;group&gt;_P" on port P, and disables
 *                   ("draining") as many old tasks as new ones are healthy
 *  loop: stats CSV of every load balancer ─► old tasks drained (MAINT, no session) ─► kill them (scale=true)
 *        ─► grow the new app (by half, or --linear-increase) ─► ... ─► new app at target: DELETE the old app
 * </pre>
 *
 * With {@code --new-instances} the deployment stops half-way (traffic split); {@code --complete-cur} /
 * {@code --complete-prev} finish it either way, {@code --resume} continues an interrupted one.
 */
public final class Zdd {
    private static final Logger LOG = LoggerFactory.getLogger(Zdd.class);

    /** Asks the operator; {@code --force} answers yes. */
    public interface Confirm {
        boolean ask(String question);
    }

    private final ZddConfig config;
    private final MarathonClient marathon;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out;
    private final Confirm confirm;

    public Zdd(ZddConfig config, PrintStream out, Confirm confirm) {
        this.config = config;
        this.marathon = new MarathonClient(config.marathons(), config.credentials());
        this.out = out;
        this.confirm = config.force() ? q -> true : confirm;
    }

    /** {@code dcos-node lb zdd ...}: deploys, asking on the console unless {@code --force}; true when done. */
    public static boolean run(ZddConfig config, PrintStream out) throws IOException, InterruptedException {
        return new Zdd(config, out, question -> {
            java.io.Console console = System.console();
            if (console == null) return false;
            String answer = console.readLine("%s [Y/n] ", question);
            return answer == null || answer.isBlank() || answer.strip().toLowerCase().startsWith("y");
        }).deploy();
    }

    /** Standalone: {@code java -cp ... io.strata.lb.zdd.Zdd -j app.json -m http://marathon:8080 -l http://lb:9090 -f}. */
    public static void main(String[] args) throws Exception {
        ZddConfig config;
        try {
            config = ZddConfig.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(run(config, System.out) ? 0 : 1);
    }

    public boolean deploy() throws IOException, InterruptedException {
        ObjectNode app = (ObjectNode) Json.read(Files.readAllBytes(config.appJson()));
        validate(app);
        List<JsonNode> previous = previousDeploys(app);
        if (previous.size() > 1) return resumeOrComplete(previous);
        if (config.completeCur() || config.completePrev()) {
            throw new IllegalArgumentException("--complete-cur and --complete-prev need a split (hybrid) deployment to finish");
        }
        ObjectNode next = prepare(previous, app);
        out.println(next.toPrettyString());
        out.flush();
        if (config.dryRun()) return true;
        if (!confirm.ask("Continue with deployment?")) return false;
        marathon.post("/v2/apps", next.toString());
        LOG.info("msg=\"deployed\" app={} instances={}", next.path("id").asText(), next.path("instances").asInt());
        if (previous.isEmpty()) return true;
        return swap(next.path("id").asText(), lastDeploy(previous).path("id").asText());
    }

    // ------------------------------------------------------------------ preparing the app

    static void validate(JsonNode app) {
        if (!app.hasNonNull("id") || app.path("id").asText().isBlank()) throw new IllegalArgumentException("the app has no id");
        JsonNode labels = app.path("labels");
        if (!labels.has(ServiceLabels.DEPLOYMENT_GROUP)) {
            throw new IllegalArgumentException("define the " + ServiceLabels.DEPLOYMENT_GROUP + " label");
        }
        if (!labels.has(ServiceLabels.DEPLOYMENT_ALT_PORT)) {
            throw new IllegalArgumentException("define the " + ServiceLabels.DEPLOYMENT_ALT_PORT + " label");
        }
        servicePort(app); // must have one
    }

    private List<JsonNode> previousDeploys(JsonNode app) throws IOException {
        String group = app.path("labels").path(ServiceLabels.DEPLOYMENT_GROUP).asText();
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode a : marathon.get("/v2/apps?embed=apps.tasks").path("apps")) {
            if (group.equals(a.path("labels").path(ServiceLabels.DEPLOYMENT_GROUP).asText(null))) out.add(a);
        }
        out.sort(Comparator.comparing(a -> a.path("labels").path(ServiceLabels.DEPLOYMENT_STARTED_AT).asText("0")));
        return out;
    }

    private static JsonNode lastDeploy(List<JsonNode> sortedDeploys) {
        return sortedDeploys.get(sortedDeploys.size() - 1);
    }

    /** The next colour and port, the instance counts and the bookkeeping labels. */
    ObjectNode prepare(List<JsonNode> previous, ObjectNode app) {
        ObjectNode labels = app.withObjectProperty("labels");
        String colour;
        int port;
        int target;
        int publicPort = servicePort(app);
        if (!previous.isEmpty()) {
            JsonNode last = lastDeploy(previous);
            colour = "blue".equals(last.path("labels").path(ServiceLabels.DEPLOYMENT_COLOUR).asText()) ? "green" : "blue";
            int alt = Integer.parseInt(labels.path(ServiceLabels.DEPLOYMENT_ALT_PORT).asText().strip());
            port = servicePort(last) == alt ? Integer.parseInt(last.path("labels").path("HAPROXY_0_PORT").asText(String.valueOf(publicPort))) : alt;
            target = last.path("instances").asInt();
            int split = Math.min(config.newInstances(), target);
            app.put("instances", split > 0 ? Math.min(config.initialInstances(), split) : Math.min(config.initialInstances(), target));
            labels.put(ServiceLabels.DEPLOYMENT_NEW_INSTANCES, String.valueOf(split));
        } else {
            colour = "blue";
            port = publicPort;
            target = app.path("instances").asInt(1);
            labels.put(ServiceLabels.DEPLOYMENT_NEW_INSTANCES, "0");
        }
        String id = app.path("id").asText();
        labels.put(ServiceLabels.APP_ID, id);
        app.put("id", (id.startsWith("/") ? "" : "/") + id + "-" + colour);
        labels.put("HAPROXY_0_PORT", String.valueOf(publicPort));
        setServicePort(app, port);
        labels.put(ServiceLabels.DEPLOYMENT_TARGET_INSTANCES, String.valueOf(target));
        labels.put(ServiceLabels.DEPLOYMENT_COLOUR, colour);
        labels.put(ServiceLabels.DEPLOYMENT_STARTED_AT, LocalDateTime.now().toString());
        return app;
    }

    /** The app's first service port: a port mapping's, a port definition's or the deprecated {@code ports}. */
    static int servicePort(JsonNode app) {
        for (JsonNode mappings : List.of(app.path("container").path("docker").path("portMappings"), app.path("container").path("portMappings"))) {
            if (mappings.size() > 0 && mappings.get(0).path("servicePort").asInt(0) > 0) return mappings.get(0).path("servicePort").asInt();
        }
        if (app.path("portDefinitions").size() > 0 && app.path("portDefinitions").get(0).path("port").asInt(0) > 0) {
            return app.path("portDefinitions").get(0).path("port").asInt();
        }
        if (app.path("ports").size() > 0 && app.path("ports").get(0).asInt(0) > 0) return app.path("ports").get(0).asInt();
        throw new IllegalArgumentException("the app needs a fixed service port (portDefinitions[0].port or a port mapping's servicePort)");
    }

    static void setServicePort(ObjectNode app, int port) {
        for (String[] path : List.of(new String[] {"container", "docker", "portMappings"}, new String[] {"container", "portMappings"})) {
            JsonNode n = app;
            for (String p : path) n = n.path(p);
            if (n.isArray() && !n.isEmpty()) {
                ((ObjectNode) n.get(0)).put("servicePort", port);
                return;
            }
        }
        if (app.path("portDefinitions").isArray() && !app.path("portDefinitions").isEmpty()) {
            ((ObjectNode) app.path("portDefinitions").get(0)).put("port", port);
            return;
        }
        app.withArrayProperty("ports").set(0, Json.MAPPER.getNodeFactory().numberNode(port));
    }

    // ------------------------------------------------------------------ swapping

    private boolean resumeOrComplete(List<JsonNode> previous) throws IOException, InterruptedException {
        JsonNode last = previous.get(previous.size() - 1);
        JsonNode before = previous.get(previous.size() - 2);
        if (config.completePrev()) {
            LOG.info("msg=\"finishing the split deployment on the previous version\" keep={} remove={}", before.path("id").asText(), last.path("id").asText());
            return swap(before.path("id").asText(), last.path("id").asText());
        }
        if (config.completeCur() || config.resume()) {
            LOG.info("msg=\"finishing the deployment\" keep={} remove={}", last.path("id").asText(), before.path("id").asText());
            return swap(last.path("id").asText(), before.path("id").asText());
        }
        throw new IllegalStateException("a deployment of this group is in progress (" + before.path("id").asText() + ", "
                + last.path("id").asText() + "): use --resume, --complete-cur or --complete-prev");
    }

    private boolean swap(String newId, String oldId) throws IOException, InterruptedException {
        while (true) {
            JsonNode oldApp = app(oldId);
            JsonNode newApp = app(newId);
            if (!newApp.path("deployments").isEmpty()) {
                sleep(config.stepDelay());
                continue;
            }
            List<String> toKill = tasksToKill(newApp, oldApp);
            if (readyToDeleteOld(newApp, oldApp, toKill)) {
                if (hybrid(newApp)) {
                    LOG.info("msg=\"traffic is split; both apps stay\" old={} new={}", oldId, newId);
                    return true;
                }
                if (!confirm.ask("Delete the old app " + oldId + "?")) return false;
                marathon.delete("/v2/apps" + oldId + "?force=true");
                LOG.info("msg=\"old app deleted\" app={}", oldId);
                return true;
            }
            if (!toKill.isEmpty()) {
                preKillHook(oldApp, toKill, newApp);
                if (!confirm.ask("Kill " + toKill.size() + " drained task(s) of " + oldId + "?")) return false;
                ObjectNode body = Json.object();
                toKill.forEach(body.putArray("ids")::add);
                marathon.post("/v2/tasks/delete?scale=true", body.toString());
                LOG.info("msg=\"drained tasks killed\" app={} tasks={}", oldId, toKill);
            }
            int instances = newApp.path("instances").asInt();
            int goal = hybrid(newApp) ? newInstances(newApp) : target(newApp);
            if (instances < goal) scaleNew(newApp, oldApp);
        }
    }

    private JsonNode app(String id) throws IOException {
        return marathon.get("/v2/apps" + id + "?embed=app.tasks").path("app");
    }

    /** Tasks of the old app drained on every load balancer (or, after {@code --max-wait}, at least draining). */
    private List<String> tasksToKill(JsonNode newApp, JsonNode oldApp) throws InterruptedException {
        long deadline = System.nanoTime() + config.maxWait().toNanos();
        List<HaproxyStats.Row> listeners = List.of();
        int lbs = config.loadBalancers().size();
        String backend = newApp.path("labels").path(ServiceLabels.DEPLOYMENT_GROUP).asText().replaceFirst("^/", "").replace('/', '_')
                + "_" + newApp.path("labels").path("HAPROXY_0_PORT").asText();
        while (System.nanoTime() < deadline) {
            sleep(config.stepDelay());
            try {
                if (anyReloading()) continue;
                listeners = listeners(backend);
            } catch (IOException e) {
                LOG.debug("msg=\"cannot read load balancer stats\" error=\"{}\"", e.getMessage());
                continue;
            }
            int instances = newApp.path("instances").asInt() + oldApp.path("instances").asInt();
            if (listeners.size() / lbs != instances) {
                LOG.info("msg=\"waiting for the load balancers to list every task\" listed={} tasks={}", listeners.size() / lbs, instances);
                continue;
            }
            long up = listeners.stream().filter(l -> l.status().startsWith("UP")).count();
            if (up / lbs < target(newApp)) {
                LOG.info("msg=\"waiting for enough servers up\" up={} target={}", up / lbs, target(newApp));
                continue;
            }
            if (listeners.stream().noneMatch(HaproxyStats.Row::drained)) continue;
            return tasksWhere(oldApp, listeners, lbs, true);
        }
        LOG.info("msg=\"gave up waiting for old tasks to drain; going on with the draining ones\"");
        return tasksWhere(oldApp, listeners, lbs, false);
    }

    private List<String> tasksWhere(JsonNode oldApp, List<HaproxyStats.Row> listeners, int lbs, boolean drained) {
        List<String> ids = new ArrayList<>();
        for (JsonNode task : oldApp.path("tasks")) {
            String host = task.path("host").asText();
            String ip = resolve(host);
            if (task.path("ports").isEmpty()) continue;
            String name = ConfigRenderer.serverName(host, ip, task.path("ports").get(0).asInt());
            long matching = listeners.stream().filter(l -> l.svname().equals(name))
                    .filter(l -> drained ? l.drained() : l.status().startsWith("MAINT")).count();
            if (matching == lbs) ids.add(task.path("id").asText());
        }
        return ids;
    }

    private boolean readyToDeleteOld(JsonNode newApp, JsonNode oldApp, List<String> drained) {
        if (hybrid(newApp)) {
            return newApp.path("instances").asInt() == newInstances(newApp)
                    && oldApp.path("instances").asInt() == target(oldApp) - newInstances(newApp);
        }
        return newApp.path("instances").asInt() == target(newApp) && drained.size() == oldApp.path("instances").asInt();
    }

    private boolean hybrid(JsonNode newApp) {
        return newInstances(newApp) != 0 && !config.completeCur() && !config.completePrev();
    }

    private static int target(JsonNode app) {
        JsonNode t = app.path("labels").path(ServiceLabels.DEPLOYMENT_TARGET_INSTANCES);
        return t.isMissingNode() ? app.path("instances").asInt() : Integer.parseInt(t.asText().strip());
    }

    private static int newInstances(JsonNode app) {
        JsonNode n = app.path("labels").path(ServiceLabels.DEPLOYMENT_NEW_INSTANCES);
        return n.isMissingNode() ? 0 : Integer.parseInt(n.asText().strip());
    }

    /** Grows the new app by half (or {@code --linear-increase}); straight to the target once it matches the old one. */
    private void scaleNew(JsonNode newApp, JsonNode oldApp) throws IOException {
        int current = newApp.path("instances").asInt();
        boolean linear = config.linearIncrease() > 0;
        int instances = linear ? current + config.linearIncrease() : (int) Math.floor(current + (current + 1) / 2.0);
        if (hybrid(newApp)) instances = Math.min(instances, newInstances(newApp));
        else if (linear) instances = Math.min(instances, target(newApp));
        else if (instances >= oldApp.path("instances").asInt()) instances = target(newApp);
        LOG.info("msg=\"scaling the new app\" app={} instances={}", newApp.path("id").asText(), instances);
        marathon.put("/v2/apps" + newApp.path("id").asText(), Json.object().put("instances", instances).toString());
    }

    private void preKillHook(JsonNode oldApp, List<String> ids, JsonNode newApp) throws IOException, InterruptedException {
        if (config.preKillHook() == null) return;
        ArrayNode idsJson = Json.MAPPER.createArrayNode();
        ids.forEach(idsJson::add);
        Process p = new ProcessBuilder(config.preKillHook().toString(), oldApp.toString(), idsJson.toString(), newApp.toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("the pre-kill hook failed: " + output.strip());
        }
    }

    // ------------------------------------------------------------------ load balancers

    private boolean anyReloading() throws IOException, InterruptedException {
        for (URI lb : config.loadBalancers()) {
            String pids = fetch(lb, "/_haproxy_getpids").strip();
            if (pids.isEmpty() || pids.split("\\s+").length > 2) {
                LOG.info("msg=\"waiting for a load balancer to finish reloading\" lb={} pids=\"{}\"", lb, pids);
                return true;
            }
        }
        return false;
    }

    private List<HaproxyStats.Row> listeners(String backend) throws IOException, InterruptedException {
        List<HaproxyStats.Row> rows = new ArrayList<>();
        for (URI lb : config.loadBalancers()) {
            for (HaproxyStats.Row r : HaproxyStats.parse(fetch(lb, "/haproxy?stats;csv"))) {
                if (r.pxname().equals(backend) && r.isServer()) rows.add(r);
            }
        }
        return rows;
    }

    private String fetch(URI lb, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(MarathonClient.resolve(lb, path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) throw new IOException("GET " + lb + path + " → " + r.statusCode());
        return r.body();
    }

    private static String resolve(String host) {
        try {
            return InetAddress.getByName(host).getHostAddress();
        } catch (IOException e) {
            return host;
        }
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

}
