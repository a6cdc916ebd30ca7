package io.strata.it.marathon;

import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.strata.it.support.ItEnv;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.LocalNode;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import mesosphere.marathon.client.Marathon;
import mesosphere.marathon.client.MarathonClient;
import mesosphere.marathon.client.MarathonException;
import mesosphere.marathon.client.model.v2.App;
import mesosphere.marathon.client.model.v2.DeleteAppTaskResponse;
import mesosphere.marathon.client.model.v2.DeleteAppTasksResponse;
import mesosphere.marathon.client.model.v2.Deployment;
import mesosphere.marathon.client.model.v2.GetServerInfoResponse;
import mesosphere.marathon.client.model.v2.Group;
import mesosphere.marathon.client.model.v2.HealthCheck;
import mesosphere.marathon.client.model.v2.HealthCheckResults;
import mesosphere.marathon.client.model.v2.QueueResponse;
import mesosphere.marathon.client.model.v2.Result;
import mesosphere.marathon.client.model.v2.Task;
import mesosphere.marathon.client.model.v2.UpgradeStrategy;
import mesosphere.marathon.client.model.v2.VersionedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Strata's Marathon driven only by Mesosphere's Java client ({@code com.mesosphere:marathon-client:0.6.3}, feign +
 * gson), both on Marathon's own port and through the gateway ({@code /marathon}, how DC/OS users reach it), against
 * one {@code dcos-node local}. Every field the client's model classes read is asserted with its expected value, so
 * a name or type Strata writes differently from Marathon 1.x fails here.
 */
@ExtendWith(DumpLogsOnFailure.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MarathonClientIT {
    private static final Duration DEPLOY = Duration.ofSeconds(45);

    private static LocalNode node;
    private static Marathon direct;
    private static Marathon gateway;
    private static String python;

    @BeforeAll
    static void startLocal() throws Exception {
        node = LocalNode.create(MarathonClientIT.class, "strata-it-mclient-");
        python = ItEnv.realPython();
        direct = MarathonClient.getInstance("http://127.0.0.1:" + node.marathonPort);
        gateway = MarathonClient.getInstance("http://127.0.0.1:" + node.gatewayPort + "/marathon");
        node.start().awaitReady("local cluster with 2 agents, a registered Marathon and the gateway", STARTUP,
                () -> node.marathonRegistered() && node.gatewayUp());
    }

    @AfterAll
    static void stopLocal() {
        if (node != null) node.close();
    }


    /** A python http.server on $PORT0 with an HTTP health check, built with the client's own model classes. */
    private static App webApp(String id, int instances) {
        App app = new App();
        app.setId(id);
        app.setCmd("exec " + python + " -m http.server $PORT0 --bind 127.0.0.1");
        app.setCpus(0.1);
        app.setMem(48.0);
        app.setInstances(instances);
        app.setBackoffSeconds(1);
        app.setBackoffFactor(1.0);
        app.setLabels(Map.of("team", "it", "tier", "web"));
        app.setEnv(Map.of("GEN", "1"));
        HealthCheck hc = new HealthCheck();
        hc.setProtocol("HTTP");
        hc.setPath("/");
        hc.setPortIndex(0);
        hc.setGracePeriodSeconds(5);
        hc.setIntervalSeconds(1);
        hc.setTimeoutSeconds(5); // a check slowed by a busy machine must not count as a failure
        hc.setMaxConsecutiveFailures(3);
        app.setHealthChecks(List.of(hc));
        UpgradeStrategy us = new UpgradeStrategy();
        us.setMinimumHealthCapacity(1.0);
        us.setMaximumOverCapacity(1.0);
        app.setUpgradeStrategy(us);
        return app;
    }

    /** Polls the app with the client until it runs {@code n} healthy tasks and no deployment is left. */
    private static VersionedApp awaitSettled(Marathon m, String id, int n) {
        VersionedApp[] last = new VersionedApp[1];
        await(id + " settles at " + n + " healthy tasks").atMost(DEPLOY).pollInterval(Duration.ofMillis(250)).until(() -> {
            node.process.assertAlive();
            VersionedApp a = m.getApp(id).getApp();
            last[0] = a;
            return a.getTasksRunning() == n && a.getTasksHealthy() == n && a.getTasks().size() == n
                    && a.getDeployments().isEmpty();
        });
        return last[0];
    }

    private static void awaitNoDeployments(Marathon m) {
        await("no deployments").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> m.getDeployments().isEmpty());
    }

    private static Set<String> ids(java.util.Collection<Task> tasks) {
        return tasks.stream().map(Task::getId).collect(Collectors.toSet());
    }

    private static void assertTask(Task t, String appId, String version) {
        assertThat(t.getId()).as("task id").startsWith(appId.substring(1).replace('/', '_') + ".");
        assertThat(t.getAppId()).isEqualTo(appId);
        assertThat(t.getHost()).isEqualTo("127.0.0.1");
        // Marathon 1.x names the agent "slaveId"; this client reads "agentId", which stays null
        assertThat(t.getAgentId()).as("agentId of %s", t.getId()).isNull();
        assertThat(t.getState()).isEqualTo("TASK_RUNNING");
        assertThat(Instant.parse(t.getStagedAt())).isBeforeOrEqualTo(Instant.parse(t.getStartedAt()));
        assertThat(t.getVersion()).isEqualTo(version);
        assertThat(t.getPorts()).hasSize(1);
        int port = t.getPorts().iterator().next();
        assertThat(port).isBetween(1, 65_535);
        assertThat(t.getServicePorts()).hasSize(1);
        assertThat(t.getIpAddresses()).isNotEmpty();
        assertThat(t.getHealthCheckResults()).as("healthCheckResults of %s", t.getId()).hasSize(1);
        HealthCheckResults h = t.getHealthCheckResults().iterator().next();
        assertThat(h.getAlive()).isTrue();
        assertThat(h.getConsecutiveFailures()).isZero();
        assertThat(Instant.parse(h.getFirstSuccess())).isBeforeOrEqualTo(Instant.parse(h.getLastSuccess()));
        assertThat(h.getLastFailure()).isNull();
        assertThat(h.getLastFailureCause()).isNull();
        // Marathon 1.4+ names the instance ("instanceId"); this client reads 1.3's "taskId", which stays null
        assertThat(h.getTaskId()).isNull();
        // the task really serves HTTP on the port the client read
        assertThat(Http.get(URI.create("http://127.0.0.1:" + port + "/")).status()).isEqualTo(200);
    }

    // ------------------------------------------------------------------ server info

    @Test
    @Order(1)
    void serverInfo() throws Exception {
        for (Marathon m : List.of(direct, gateway)) {
            GetServerInfoResponse info = m.getServerInfo();
            assertThat(info.getName()).isEqualTo("marathon");
            assertThat(info.getVersion()).matches("1\\.\\d+\\.\\d+.*");
            assertThat(info.getBuildref()).isNotBlank();
            assertThat(info.getElected()).isTrue();
            assertThat(info.getLeader()).isEqualTo("127.0.0.1:" + node.marathonPort);
            assertThat(info.getFrameworkId()).isNotBlank();
            assertThat(info.getMarathon_config().getMaster()).contains("127.0.0.1");
            assertThat(info.getMarathon_config().getFramework_name()).isEqualTo("marathon");
            assertThat(info.getMarathon_config().getFailover_timeout()).isPositive();
            assertThat(info.getMarathon_config().getHa()).isNotNull();
            assertThat(info.getMarathon_config().getCheckpoint()).isTrue();
            assertThat(info.getMarathon_config().getMesos_role()).isNotNull();
            assertThat(info.getMarathon_config().getTask_launch_timeout()).isPositive();
            assertThat(info.getZookeeper_config().getZk()).startsWith("zk://127.0.0.1:" + node.zkPort + "/");
            assertThat(info.getZookeeper_config().getZk_timeout()).isPositive();
            assertThat(info.getHttp_config().getHttp_port()).isEqualTo(Integer.toString(node.marathonPort));
        }
    }

    // ------------------------------------------------------------------ errors

    @Test
    @Order(2)
    void unknownAppIs404WithMarathonsMessage() {
        for (Marathon m : List.of(direct, gateway)) {
            MarathonException e = catchThrowableOfType(MarathonException.class, () -> m.getApp("/no/such/app"));
            assertThat(e).as("getApp of an unknown app throws MarathonException").isNotNull();
            assertThat(e.getStatus()).isEqualTo(404);
            // the client's message: "<reason>: <Marathon's message>", and HttpResponseException adds the status
            assertThat(e.getMessage()).isEqualTo("Not Found: App '/no/such/app' does not exist (http status: 404)");
            MarathonException t = catchThrowableOfType(MarathonException.class, () -> m.getAppTasks("no-such-app"));
            assertThat(t.getStatus()).isEqualTo(404);
            assertThat(t.getMessage()).contains("App '/no-such-app' does not exist");
        }
    }

    @Test
    @Order(3)
    void eventCallbackSubscriptionsAreRefusedAsByMarathonWithoutHttpCallback() {
        for (Marathon m : List.of(direct, gateway)) {
            List<MarathonException> errors = List.of(
                    catchThrowableOfType(MarathonException.class, m::subscriptions),
                    catchThrowableOfType(MarathonException.class, () -> m.register("http://127.0.0.1:1/cb")),
                    catchThrowableOfType(MarathonException.class, () -> m.unregister("http://127.0.0.1:1/cb")));
            for (MarathonException e : errors) {
                assertThat(e).isNotNull();
                assertThat(e.getStatus()).isEqualTo(400);
                assertThat(e.getMessage()).isEqualTo("Bad Request: http event callback system is not running on this "
                        + "Marathon instance. Please re-start this instance with \"--event_subscriber http_callback\". "
                        + "(http status: 400)");
            }
        }
    }

    @Test
    @Order(3)
    void invalidAppIs422WithDetails() {
        for (Marathon m : List.of(direct, gateway)) {
            App bad = new App();
            bad.setId("/it/bad");
            bad.setInstances(1);
            bad.setCpus(0.1);
            bad.setMem(16.0);
            // neither cmd, args nor a container: Marathon says which path is wrong
            MarathonException e = catchThrowableOfType(MarathonException.class, () -> m.createApp(bad));
            assertThat(e).as("createApp of an invalid app throws MarathonException").isNotNull();
            assertThat(e.getStatus()).isEqualTo(422);
            assertThat(e.getMessage()).as("reason: message (path: errors)").startsWith("Unprocessable Entity: Object is not valid (/");
            App negative = webApp("/it/bad", -1);
            MarathonException n = catchThrowableOfType(MarathonException.class, () -> m.createApp(negative));
            assertThat(n.getStatus()).isEqualTo(422);
            assertThat(n.getMessage()).contains("/instances: ");
        }
        assertThat(catchThrowableOfType(MarathonException.class, () -> direct.getApp("/it/bad")).getStatus()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ the app lifecycle, on both endpoints

    @Test
    @Order(4)
    void appLifecycleDirect() throws Exception {
        lifecycle(direct, "/it/direct/web");
    }

    @Test
    @Order(5)
    void appLifecycleThroughTheGateway() throws Exception {
        lifecycle(gateway, "/it/gw/web");
    }

    private void lifecycle(Marathon m, String id) throws Exception {
        // create
        VersionedApp created = m.createApp(webApp(id, 2));
        assertThat(created.getId()).isEqualTo(id);
        assertThat(created.getVersion()).isNotBlank();
        assertThat(created.getInstances()).isEqualTo(2);
        assertThat(created.getCpus()).isEqualTo(0.1);
        assertThat(created.getMem()).isEqualTo(48.0);
        assertThat(created.getLabels()).containsEntry("team", "it").containsEntry("tier", "web");
        assertThat(created.getEnv()).containsEntry("GEN", "1");
        assertThat(created.getHealthChecks()).hasSize(1);
        assertThat(created.getHealthChecks().get(0).getPath()).isEqualTo("/");
        assertThat(created.getHealthChecks().get(0).getProtocol()).isEqualTo("HTTP");
        assertThat(created.getHealthChecks().get(0).getPortIndex()).isZero();
        assertThat(created.getUpgradeStrategy().getMinimumHealthCapacity()).isEqualTo(1.0);
        assertThat(created.getUpgradeStrategy().getMaximumOverCapacity()).isEqualTo(1.0);
        // Marathon's defaults, as the client reads them
        assertThat(created.getDisk()).isEqualTo(0.0);
        assertThat(created.getGpus()).isEqualTo(0.0);
        assertThat(created.getBackoffSeconds()).isEqualTo(1);
        assertThat(created.getBackoffFactor()).isEqualTo(1.0);
        assertThat(created.getMaxLaunchDelaySeconds()).isPositive();
        assertThat(created.getExecutor()).isEmpty();
        assertThat(created.getRequirePorts()).isFalse();
        assertThat(created.getNetworks()).extracting(n -> n.getMode()).containsExactly("host");
        assertThat(created.getPortDefinitions()).hasSize(1);
        assertThat(created.getPortDefinitions().get(0).getProtocol()).isEqualTo("tcp");
        assertThat(created.getTasksStaged()).isZero();
        assertThat(created.getTasksRunning()).isZero();
        assertThat(created.getDeployments()).as("the create's deployment").hasSize(1);
        assertThat(created.getDeployments().get(0).getId()).isNotBlank();

        // the deployment shows up while it runs
        String createDeployment = created.getDeployments().get(0).getId();
        List<Deployment> seen = m.getDeployments();
        if (!seen.isEmpty()) {
            Deployment d = seen.stream().filter(x -> x.getId().equals(createDeployment)).findFirst().orElseThrow();
            assertThat(d.getAffectedApps()).containsExactly(id);
            assertThat(d.getVersion()).isNotBlank();
            assertThat(d.getTotalSteps()).isPositive();
            assertThat(d.getCurrentStep()).isBetween(1, d.getTotalSteps());
            assertThat(d.getSteps()).hasSize(d.getTotalSteps());
            // Marathon 1.x writes an action's kind as "action"; this client reads "type", which stays null
            assertThat(d.getSteps().get(0).getActions().get(0).getType()).isNull();
            assertThat(d.getSteps().get(0).getActions().get(0).getApp()).isEqualTo(id);
            assertThat(d.getCurrentActions()).isNotEmpty();
        }

        // healthy; getApp and getAppTasks read every field
        VersionedApp app = awaitSettled(m, id, 2);
        String v1 = app.getVersion();
        assertThat(app.getTasksStaged()).isZero();
        assertThat(app.getTasksUnhealthy()).isZero();
        assertThat(app.getVersionInfo().getLastConfigChangeAt()).isEqualTo(v1);
        assertThat(app.getVersionInfo().getLastScalingAt()).isEqualTo(v1);
        assertThat(app.getPortDefinitions()).hasSize(1);
        assertThat(app.getRequirePorts()).isFalse();
        for (Task t : app.getTasks()) assertTask(t, id, v1);
        List<Task> appTasks = m.getAppTasks(id).getTasks();
        assertThat(ids(appTasks)).isEqualTo(ids(app.getTasks()));
        for (Task t : appTasks) assertTask(t, id, v1);
        Set<String> all = ids(m.getTasks().getTasks());
        assertThat(all).containsAll(ids(appTasks));
        // leading slash or not, the same app
        String noSlash = id.substring(1);
        assertThat(m.getApp(noSlash).getApp().getId()).isEqualTo(id);

        // getApps: all, by id prefix, by label selector, with embeds
        assertThat(m.getApps().getApps()).extracting(App::getId).contains(id);
        List<VersionedApp> byId = m.getApps(Map.of("id", id)).getApps();
        assertThat(byId).extracting(App::getId).containsExactly(id);
        assertThat(byId.get(0).getTasks()).as("no tasks unless embedded").isNullOrEmpty();
        List<VersionedApp> embedded = m.getApps(Map.of("id", id, "embed", "apps.tasks")).getApps();
        assertThat(embedded).hasSize(1);
        assertThat(ids(embedded.get(0).getTasks())).isEqualTo(ids(app.getTasks()));
        assertThat(m.getApps(Map.of("label", "tier==web")).getApps()).extracting(App::getId).contains(id);
        assertThat(m.getApps(Map.of("label", "tier==db")).getApps()).extracting(App::getId).doesNotContain(id);
        assertThat(m.getApps(Map.of("cmd", "http.server")).getApps()).extracting(App::getId).contains(id);

        // scale up
        App scale = new App();
        scale.setInstances(3);
        Result scaled = m.updateApp(id, scale, false);
        assertThat(scaled.getDeploymentId()).isNotBlank();
        assertThat(scaled.getVersion()).isNotBlank();
        VersionedApp three = awaitSettled(m, id, 3);
        assertThat(three.getVersionInfo().getLastConfigChangeAt()).as("scaling is not a config change").isEqualTo(v1);
        assertThat(three.getVersionInfo().getLastScalingAt()).isEqualTo(scaled.getVersion());

        // a new version: every task is replaced
        Set<String> before = ids(three.getTasks());
        App update = new App();
        update.setEnv(Map.of("GEN", "2"));
        Result rolled = m.updateApp(id, update, false);
        assertThat(rolled.getDeploymentId()).isNotBlank();
        await("the rolling update's deployment is listed or done").atMost(DEPLOY).until(() ->
                m.getDeployments().stream().anyMatch(d -> d.getId().equals(rolled.getDeploymentId()))
                        || m.getApp(id).getApp().getDeployments().isEmpty());
        VersionedApp v2 = awaitSettled(m, id, 3);
        assertThat(v2.getVersion()).isEqualTo(rolled.getVersion());
        assertThat(v2.getVersionInfo().getLastConfigChangeAt()).isEqualTo(rolled.getVersion());
        assertThat(v2.getEnv()).containsEntry("GEN", "2");
        assertThat(ids(v2.getTasks())).doesNotContainAnyElementsOf(before);
        assertThat(v2.getTasks()).extracting(Task::getVersion).containsOnly(rolled.getVersion());

        // versions: every config change is kept and readable
        assertThat(m.getAppVersions(id).getVersions()).contains(v1, scaled.getVersion(), rolled.getVersion());
        App old = m.getAppVersion(id, v1);
        assertThat(old.getId()).isEqualTo(id);
        assertThat(old.getEnv()).containsEntry("GEN", "1");
        assertThat(old.getInstances()).isEqualTo(2);
        assertThat(m.getAppVersion(id, rolled.getVersion()).getEnv()).containsEntry("GEN", "2");
        MarathonException noVersion = catchThrowableOfType(MarathonException.class,
                () -> m.getAppVersion(id, "2001-01-01T00:00:00.000Z"));
        assertThat(noVersion.getStatus()).isEqualTo(404);

        // restart: a new version with the same definition, all tasks replaced
        Set<String> beforeRestart = ids(v2.getTasks());
        Result restarted = m.restartApp(id, false);
        assertThat(restarted.getDeploymentId()).isNotBlank();
        assertThat(restarted.getVersion()).isNotEqualTo(v2.getVersion());
        VersionedApp afterRestart = awaitSettled(m, id, 3);
        assertThat(ids(afterRestart.getTasks())).doesNotContainAnyElementsOf(beforeRestart);
        assertThat(afterRestart.getEnv()).containsEntry("GEN", "2");
        awaitNoDeployments(m);

        // kill one task and scale down
        Task victim = afterRestart.getTasks().iterator().next();
        // with scale=true Marathon answers a deployment ({"version","deploymentId"}), so the client's "task" is null
        DeleteAppTaskResponse killed = m.deleteAppTask(id, victim.getId(), "true");
        assertThat(killed.getTask()).isNull();
        VersionedApp two = awaitSettled(m, id, 2);
        assertThat(two.getInstances()).isEqualTo(2);
        assertThat(ids(two.getTasks())).doesNotContain(victim.getId());

        // kill one task without scaling: it is replaced
        Task other = two.getTasks().iterator().next();
        DeleteAppTaskResponse replaced = m.deleteAppTask(id, other.getId(), "false");
        assertThat(replaced.getTask().getId()).isEqualTo(other.getId());
        await(other.getId() + " is replaced").atMost(DEPLOY).pollInterval(Duration.ofMillis(250))
                .until(() -> !ids(m.getAppTasks(id).getTasks()).contains(other.getId()));
        VersionedApp stillTwo = awaitSettled(m, id, 2);

        // kill all tasks of the host, scaling to 0
        DeleteAppTasksResponse all2 = m.deleteAppTasks(id, "127.0.0.1", "true");
        assertThat(all2.getTasks()).as("a deployment answer again").isNull();
        await(id + " scaled to 0").atMost(DEPLOY).pollInterval(Duration.ofMillis(250)).until(() -> {
            VersionedApp a = m.getApp(id).getApp();
            return a.getInstances() == 0 && a.getTasks().isEmpty();
        });

        // delete
        Result deleted = m.deleteApp(id);
        assertThat(deleted.getDeploymentId()).isNotBlank();
        assertThat(deleted.getVersion()).isNotBlank();
        await(id + " is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            MarathonException e = catchThrowableOfType(MarathonException.class, () -> m.getApp(id));
            return e != null && e.getStatus() == 404;
        });
    }

    // ------------------------------------------------------------------ groups, queue

    @Test
    @Order(6)
    void groups() throws Exception {
        for (Marathon m : List.of(direct, gateway)) {
            String gid = m == direct ? "/it/gd" : "/it/gg";
            Group g = new Group();
            g.setId(gid);
            App a = new App();
            a.setId(gid + "/sleeper");
            a.setCmd("sleep 600");
            a.setCpus(0.05);
            a.setMem(16.0);
            a.setInstances(1);
            g.setApps(List.of(a));
            Result r = m.createGroup(g);
            assertThat(r.getDeploymentId()).isNotBlank();
            assertThat(r.getVersion()).isNotBlank();

            Group read = m.getGroup(gid);
            assertThat(read.getId()).isEqualTo(gid);
            assertThat(read.getVersion()).isNotBlank();
            assertThat(read.getApps()).extracting(App::getId).containsExactly(gid + "/sleeper");
            assertThat(read.getGroups()).isEmpty();
            Group parent = m.getGroup("it");
            assertThat(parent.getGroups()).extracting(Group::getId).contains(gid);

            MarathonException dup = catchThrowableOfType(MarathonException.class, () -> m.createGroup(g));
            assertThat(dup.getStatus()).isEqualTo(409);
            assertThat(dup.getMessage()).contains("Group " + gid + " is already created");

            awaitSettledPlain(m, gid + "/sleeper", 1);
            // PUT the group with the app at 2 instances
            Group change = new Group();
            change.setId(gid);
            a.setInstances(2);
            change.setApps(List.of(a));
            Result updated = m.updateGroup(gid, false, change);
            assertThat(updated.getDeploymentId()).isNotBlank();
            assertThat(updated.getVersion()).isNotBlank();
            awaitSettledPlain(m, gid + "/sleeper", 2);
            assertThat(m.getGroup(gid).getApps()).extracting(App::getInstances).containsExactly(2);
            Result del = m.deleteGroup(gid, false);
            assertThat(del.getDeploymentId()).isNotBlank();
            await(gid + " is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
                MarathonException e = catchThrowableOfType(MarathonException.class, () -> m.getGroup(gid));
                return e != null && e.getStatus() == 404;
            });
            MarathonException gone = catchThrowableOfType(MarathonException.class, () -> m.getGroup(gid));
            assertThat(gone.getMessage()).contains("Group '" + gid + "' does not exist");
        }
    }

    private static void awaitSettledPlain(Marathon m, String id, int n) {
        await(id + " runs " + n).atMost(DEPLOY).pollInterval(Duration.ofMillis(250)).until(() -> {
            VersionedApp a = m.getApp(id).getApp();
            return a.getTasksRunning() == n && a.getDeployments().isEmpty();
        });
    }

    @Test
    @Order(7)
    void queue() throws Exception {
        // an app that cannot be placed (more memory than any agent offers) waits in the queue
        App huge = new App();
        huge.setId("/it/huge");
        huge.setCmd("sleep 600");
        huge.setCpus(0.1);
        huge.setMem(1_000_000.0);
        huge.setInstances(2);
        VersionedApp created = direct.createApp(huge);
        assertThat(created.getId()).isEqualTo("/it/huge");
        List<String> seen = new ArrayList<>();
        for (Marathon m : List.of(direct, gateway)) {
            await("/it/huge is queued").atMost(DEPLOY).pollInterval(Duration.ofMillis(250)).until(() -> {
                QueueResponse q = m.getQueue();
                return q.getQueue() != null && q.getQueue().stream().anyMatch(e -> e.getApp() != null
                        && "/it/huge".equals(e.getApp().getId()));
            });
            var e = m.getQueue().getQueue().stream().filter(x -> "/it/huge".equals(x.getApp().getId())).findFirst().orElseThrow();
            assertThat(e.getCount()).isEqualTo(2);
            assertThat(e.getApp().getMem()).isEqualTo(1_000_000.0);
            assertThat(e.getApp().getVersion()).isEqualTo(created.getVersion());
            assertThat(e.getDelay()).isNotNull();
            assertThat(e.getDelay().getTimeLeftSeconds()).isNotNegative();
            seen.add(e.getApp().getId());
        }
        assertThat(seen).hasSize(2);
        // the app is locked by its deployment, which cannot finish: 409, then roll the deployment back
        MarathonException locked = catchThrowableOfType(MarathonException.class, () -> direct.deleteApp("/it/huge"));
        assertThat(locked.getStatus()).isEqualTo(409);
        assertThat(locked.getMessage()).contains("App is locked by one or more deployments");
        String deployment = created.getDeployments().get(0).getId();
        assertThat(direct.getDeployments()).extracting(Deployment::getId).contains(deployment);
        Result rollback = direct.cancelDeploymentAndRollback(deployment);
        assertThat(rollback.getDeploymentId()).isNotBlank().isNotEqualTo(deployment);
        assertThat(rollback.getVersion()).isNotBlank();
        await("/it/huge is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            MarathonException e = catchThrowableOfType(MarathonException.class, () -> direct.getApp("/it/huge"));
            return e != null && e.getStatus() == 404;
        });
        awaitNoDeployments(direct);

        // cancelling without rollback (force) leaves the app as it is, unlocked: deleteApp now works
        VersionedApp stuck = gateway.createApp(huge);
        String stuckDeployment = stuck.getDeployments().get(0).getId();
        gateway.cancelDeployment(stuckDeployment);
        await("the cancelled deployment is gone").atMost(DEPLOY).pollInterval(Duration.ofMillis(200))
                .until(() -> gateway.getDeployments().stream().noneMatch(d -> d.getId().equals(stuckDeployment)));
        assertThat(gateway.getApp("/it/huge").getApp().getInstances()).isEqualTo(2);
        Result removed = gateway.deleteApp("/it/huge");
        assertThat(removed.getDeploymentId()).isNotBlank();
        await("/it/huge is gone again").atMost(DEPLOY).pollInterval(Duration.ofMillis(200)).until(() -> {
            MarathonException e = catchThrowableOfType(MarathonException.class, () -> gateway.getApp("/it/huge"));
            return e != null && e.getStatus() == 404;
        });
        awaitNoDeployments(direct);
        assertThat(new HashSet<>(direct.getQueue().getQueue().stream().map(x -> x.getApp().getId()).toList()))
                .doesNotContain("/it/huge");
    }
}
