package io.strata.marathon.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.marathon.Marathon;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.SimulatedMesos;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.events.EventBus;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.UpgradeStrategy;
import io.strata.marathon.model.VersionInfo;
import io.strata.marathon.storage.MemoryStorage;
import io.strata.marathon.validation.ApiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MarathonCoreTest {
    static final class MutableClock extends Clock {
        Instant now = Instant.parse("2024-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    MutableClock clock;
    MemoryStorage storage;
    EventBus events;
    Marathon m;
    SimulatedMesos mesos;
    EventBus.Subscription sub;

    @BeforeEach
    void setUp() {
        clock = new MutableClock();
        storage = new MemoryStorage();
        events = new EventBus(clock);
        sub = events.subscribe(java.util.Set.of());
        m = new Marathon(MarathonConfig.defaults("127.0.0.1:5050", "zk://127.0.0.1:2181/marathon"), storage, events, clock);
        mesos = new SimulatedMesos(m);
    }

    DeploymentPlan put(AppDefinition app) {
        return m.deploy((root, v) -> root.putApp(app.id(), app.withVersionInfo(null), v), false);
    }

    static AppDefinition app(String id, int n) {
        return AppDefinition.builder(PathId.of(id)).cmd("sleep 1000").instances(n).build();
    }

    List<String> eventTypes() {
        List<String> out = new ArrayList<>();
        for (var e = sub.poll(); e != null; e = sub.poll()) out.add(e.get("eventType").asText());
        return out;
    }

    @Test
    void deploysAnAppToItsInstanceCount() {
        DeploymentPlan plan = put(app("/web", 3));
        assertThat(m.deployments()).hasSize(1);
        assertThat(m.instancesOf(PathId.of("/web"))).hasSize(3).allMatch(Instance::isScheduled);
        assertThat(m.queue()).singleElement().satisfies(q -> assertThat(q.scheduled()).hasSize(3));
        assertThat(m.root().app(PathId.of("/web")).orElseThrow().portDefinitions().get(0).port()).isEqualTo(10000);
        mesos.launchAll();
        assertThat(m.deployments()).hasSize(1);
        mesos.runAll();
        assertThat(m.deployments()).isEmpty();
        assertThat(m.instancesOf(PathId.of("/web"))).hasSize(3).allMatch(Instance::isRunning);
        assertThat(eventTypes()).contains("group_change_success", "deployment_info", "instance_changed_event",
                "status_update_event", "deployment_step_success", "deployment_success");
        assertThat(storage.load().deployments()).isEmpty();
        assertThat(storage.load().instances()).hasSize(3);
        assertThat(plan.steps()).hasSize(2);
    }

    @Test
    void locksAppsDuringDeploymentsUnlessForced() {
        put(app("/web", 1));
        assertThatThrownBy(() -> put(app("/web", 2))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(409);
            assertThat(e.body().get("deployments").get(0).get("id").asText()).isEqualTo(m.deployments().get(0).plan().id());
        });
        DeploymentPlan forced = m.deploy((root, v) -> root.putApp(PathId.of("/web"),
                root.app(PathId.of("/web")).orElseThrow().withInstances(2).withVersionInfo(VersionInfo.initial(v)), v), true);
        assertThat(m.deployments()).singleElement().satisfies(d -> assertThat(d.plan().id()).isEqualTo(forced.id()));
    }

    @Test
    void replacesFailedTasksWithBackoff() {
        put(app("/web", 1).toBuilder().build());
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(PathId.of("/web")).get(0);
        mesos.fail(i, "TASK_FAILED");
        Instance again = m.instancesOf(PathId.of("/web")).get(0);
        assertThat(again.instanceId()).isEqualTo(i.instanceId());
        assertThat(again.isScheduled()).isTrue();
        assertThat(again.taskId()).endsWith("._app.2");
        assertThat(m.lastFailure(PathId.of("/web"))).hasValueSatisfying(f -> assertThat(f.state()).isEqualTo("TASK_FAILED"));
        assertThat(m.launchable()).isEmpty();
        assertThat(m.backoff(PathId.of("/web")).timeLeft(clock.instant())).isEqualTo(Duration.ofSeconds(1));
        clock.advance(Duration.ofMillis(1001));
        assertThat(m.launchable()).hasSize(1);
        mesos.launchAndRunAll();
        mesos.fail(m.instancesOf(PathId.of("/web")).get(0), "TASK_FAILED");
        assertThat(m.backoff(PathId.of("/web")).delay()).isEqualTo(Duration.ofMillis(1150));
        assertThat(m.resetDelay(PathId.of("/web"))).isTrue();
        assertThat(m.launchable()).hasSize(1);
    }

    @Test
    void killedTasksAreReplacedWithoutBackoff() {
        put(app("/web", 1));
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(PathId.of("/web")).get(0);
        m.killInstances(List.of(i), false, false, false);
        assertThat(mesos.killRequests).containsExactly(i.taskId());
        mesos.completeKills();
        assertThat(m.launchable()).hasSize(1);
    }

    @Test
    void rollingRestartKeepsCapacityAndHealth() {
        AppDefinition v1 = app("/web", 3).toBuilder().upgradeStrategy(new UpgradeStrategy(1.0, 0.0)).build();
        put(v1);
        mesos.launchAndRunAll();
        put(v1.toBuilder().cmd("sleep 2000").build());
        int maxAlive = 0, minRunning = Integer.MAX_VALUE;
        for (int round = 0; round < 20 && !m.deployments().isEmpty(); round++) {
            maxAlive = Math.max(maxAlive, (int) m.instancesOf(PathId.of("/web")).stream().filter(x -> !x.condition().isTerminal()).count());
            mesos.launchAll();
            minRunning = Math.min(minRunning, (int) m.instancesOf(PathId.of("/web")).stream().filter(Instance::isRunning).count());
            mesos.runAll();
            mesos.completeKills();
        }
        assertThat(m.deployments()).isEmpty();
        assertThat(maxAlive).isLessThanOrEqualTo(4);
        assertThat(minRunning).isGreaterThanOrEqualTo(3);
        Instant cfg = m.app(PathId.of("/web")).orElseThrow().versionInfo().lastConfigChangeAt();
        assertThat(m.instancesOf(PathId.of("/web"))).hasSize(3).allMatch(i -> i.configVersion().equals(cfg) && i.isRunning());
    }

    @Test
    void scalesDownYoungestFirstAndStopsDeletedApps() {
        put(app("/web", 3));
        mesos.launchAll();
        clock.advance(Duration.ofSeconds(1));
        mesos.runAll();
        List<Instance> before = m.instancesOf(PathId.of("/web"));
        put(app("/web", 1));
        assertThat(mesos.killRequests).hasSize(2);
        mesos.completeKills();
        assertThat(m.instancesOf(PathId.of("/web"))).hasSize(1);
        assertThat(m.deployments()).isEmpty();
        m.deploy((root, v) -> root.putApp(PathId.of("/web"), null, v), false);
        assertThat(m.deployments()).hasSize(1);
        mesos.completeKills();
        assertThat(m.instancesOf(PathId.of("/web"))).isEmpty();
        assertThat(m.deployments()).isEmpty();
        assertThat(eventTypes()).contains("app_terminated_event");
        assertThat(before).hasSize(3);
    }

    @Test
    void rollbackRestoresThePreviousDefinition() {
        put(app("/web", 1));
        mesos.launchAndRunAll();
        AppDefinition original = m.app(PathId.of("/web")).orElseThrow();
        put(app("/web", 1).toBuilder().cmd("broken").build());
        String id = m.deployments().get(0).plan().id();
        DeploymentPlan rollback = m.cancelDeployment(id, false).orElseThrow();
        assertThat(m.app(PathId.of("/web")).orElseThrow().cmd()).isEqualTo(original.cmd());
        assertThat(m.deployments()).allSatisfy(d -> assertThat(d.plan().id()).isEqualTo(rollback.id()));
        assertThat(rollback.steps()).isNotEmpty();
        for (int k = 0; k < 5; k++) {
            mesos.launchAndRunAll();
            mesos.completeKills();
        }
        assertThat(m.deployments()).isEmpty();
        assertThatThrownBy(() -> m.cancelDeployment("nope", false)).isInstanceOf(ApiException.class);
    }

    @Test
    void failedStorageChangesNothing() {
        put(app("/web", 1));
        Group before = m.root();
        storage.failNextWrite = true;
        assertThatThrownBy(() -> m.deploy((root, v) -> root.putApp(PathId.of("/db"), app("/db", 1).withVersionInfo(VersionInfo.initial(v)), v), true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(503));
        assertThat(m.root()).isEqualTo(before);
        assertThat(m.deployments()).hasSize(1);
    }

    @Test
    void honoursDependencyOrder() {
        m.deploy((root, v) -> root
                .putApp(PathId.of("/db"), app("/db", 1).withVersionInfo(VersionInfo.initial(v)), v)
                .putApp(PathId.of("/api"), app("/api", 1).toBuilder().dependencies(List.of(PathId.of("/db"))).build()
                        .withVersionInfo(VersionInfo.initial(v)), v), false);
        assertThat(m.instancesOf(PathId.of("/db"))).hasSize(1);
        assertThat(m.instancesOf(PathId.of("/api"))).isEmpty();
        mesos.launchAndRunAll();
        assertThat(m.instancesOf(PathId.of("/api"))).hasSize(1);
        mesos.launchAndRunAll();
        assertThat(m.deployments()).isEmpty();
    }

    @Test
    void unhealthyInstancesAreKilledAfterMaxConsecutiveFailures() {
        AppDefinition a = io.strata.marathon.codec.AppCodec.readRequest(io.strata.common.json.Json.read(
                "{\"id\":\"/hc\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"gracePeriodSeconds\":0,\"maxConsecutiveFailures\":2}]}"),
                PathId.ROOT, null, "*");
        put(a);
        mesos.launchAndRunAll();
        assertThat(m.deployments()).hasSize(1);
        Instance i = m.instancesOf(a.id()).get(0);
        m.onHealthResult(i.instanceId(), 0, true, null);
        assertThat(m.deployments()).isEmpty();
        m.onHealthResult(i.instanceId(), 0, false, "503");
        assertThat(mesos.killRequests).isEmpty();
        m.onHealthResult(i.instanceId(), 0, false, "503");
        assertThat(mesos.killRequests).containsExactly(i.taskId());
        assertThat(eventTypes()).contains("failed_health_check_event", "health_status_changed_event", "unhealthy_instance_kill_event");
        assertThat(storage.load().instances()).hasSize(1);
        assertThat(Map.of()).isEmpty();
    }

    @Test
    void unreachableInstancesAreReplacedAfterInactiveAfterAndForgottenAfterExpungeAfter() {
        AppDefinition a = io.strata.marathon.codec.AppCodec.readRequest(io.strata.common.json.Json.read(
                "{\"id\":\"/ur\",\"cmd\":\"x\",\"unreachableStrategy\":{\"inactiveAfterSeconds\":10,\"expungeAfterSeconds\":20}}"),
                PathId.ROOT, null, "*");
        put(a);
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(a.id()).get(0);
        m.onStatus(i.taskId(), "TASK_UNREACHABLE", "agent-1", "agent lost", null, List.of(), null);
        assertThat(m.instancesOf(a.id())).singleElement().satisfies(x -> assertThat(x.condition()).isEqualTo(Instance.Condition.Unreachable));
        clock.advance(Duration.ofSeconds(11));
        m.tick();
        assertThat(m.instancesOf(a.id())).hasSize(2).anyMatch(Instance::isScheduled)
                .anyMatch(x -> x.condition() == Instance.Condition.UnreachableInactive);
        clock.advance(Duration.ofSeconds(10));
        m.tick();
        assertThat(m.instancesOf(a.id())).singleElement().satisfies(x -> assertThat(x.isScheduled()).isTrue());
        assertThat(m.onStatus(i.taskId(), "TASK_RUNNING", "agent-1", null, null, List.of(), null)).as("kill the unknown task").isTrue();
    }

    @Test
    void unreachableWithTheDefaultStrategyIsReplacedAtOnce() {
        put(app("/ur2", 1));
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(PathId.of("/ur2")).get(0);
        m.onStatus(i.taskId(), "TASK_UNREACHABLE", "agent-1", "agent lost", null, List.of(), null);
        assertThat(m.instancesOf(PathId.of("/ur2"))).singleElement().satisfies(x -> {
            assertThat(x.isScheduled()).isTrue();
            assertThat(x.incarnation()).isEqualTo(2);
        });
    }

    @Test
    void aTaskReplacedWhileUnreachableIsWatchedUntilItComesBackAndIsKilled() {
        put(app("/ur3", 1));
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(PathId.of("/ur3")).get(0);
        assertThat(m.awaitingAbandonedTasks()).isFalse();
        m.onStatus(i.taskId(), "TASK_UNREACHABLE", "agent-1", "agent lost", null, List.of(), null);
        assertThat(m.awaitingAbandonedTasks()).as("reconcile often while the old task may come back").isTrue();
        assertThat(m.onStatus(i.taskId(), "TASK_UNREACHABLE", "agent-1", null, null, List.of(), null))
                .as("no kill while its agent is still away").isFalse();
        assertThat(m.onStatus(i.taskId(), "TASK_RUNNING", "agent-1", null, null, List.of(), null))
                .as("the agent is back: the old incarnation is killed").isTrue();
        assertThat(m.awaitingAbandonedTasks()).isTrue();
        assertThat(m.onStatus(i.taskId(), "TASK_KILLED", "agent-1", null, null, List.of(), null)).isFalse();
        assertThat(m.awaitingAbandonedTasks()).isFalse();
    }

    @Test
    void abandonedTasksAreWatchedForAnHourAtMost() {
        put(app("/ur4", 1));
        mesos.launchAndRunAll();
        Instance i = m.instancesOf(PathId.of("/ur4")).get(0);
        m.onStatus(i.taskId(), "TASK_UNREACHABLE", "agent-1", "agent lost", null, List.of(), null);
        clock.advance(Duration.ofMinutes(61));
        m.tick();
        assertThat(m.awaitingAbandonedTasks()).isFalse();
    }
}
