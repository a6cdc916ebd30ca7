package io.strata.marathon.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.KillSelection;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentPlannerTest {
    static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
    static final Instant T1 = Instant.parse("2024-01-01T00:01:00Z");

    static AppDefinition app(String id, int n, String... deps) {
        return AppDefinition.builder(PathId.of(id)).cmd("run " + id).instances(n)
                .dependencies(java.util.Arrays.stream(deps).map(PathId::of).toList()).versionInfo(VersionInfo.initial(T0)).build();
    }

    static Group root(AppDefinition... apps) {
        Group g = Group.emptyRoot(T0);
        for (AppDefinition a : apps) g = g.putApp(a.id(), a, T0);
        return g;
    }

    static List<List<String>> steps(DeploymentPlan p) {
        List<List<String>> out = new ArrayList<>();
        for (DeploymentStep s : p.steps()) out.add(s.actions().stream().map(DeploymentAction::toString).toList());
        return out;
    }

    static DeploymentPlan plan(Group from, Group to) {
        return DeploymentPlanner.plan("p", T1, from, to, Map.of(), Map.of());
    }

    @Test
    void startsNewAppsThenScalesThem() {
        DeploymentPlan p = plan(root(), root(app("/a", 3)));
        assertThat(steps(p)).containsExactly(List.of("StartApplication(/a)"), List.of("ScaleApplication(/a, 3)"));
        assertThat(p.affectedApps()).containsExactly(PathId.of("/a"));
    }

    @Test
    void stopsRemovedApps() {
        assertThat(steps(plan(root(app("/a", 1), app("/b", 1)), root(app("/b", 1))))).containsExactly(List.of("StopApplication(/a)"));
    }

    @Test
    void nothingChangedMeansNoSteps() {
        assertThat(plan(root(app("/a", 1)), root(app("/a", 1))).isEmpty()).isTrue();
    }

    @Test
    void scaleOnlyChangesScale() {
        AppDefinition a = app("/a", 2);
        AppDefinition scaled = a.withInstances(5).withVersionInfo(a.versionInfo().scaled(T1));
        assertThat(steps(plan(root(a), root(scaled)))).containsExactly(List.of("ScaleApplication(/a, 5)"));
    }

    @Test
    void configChangeRestarts() {
        AppDefinition a = app("/a", 2);
        AppDefinition changed = a.toBuilder().cmd("run v2").versionInfo(a.versionInfo().configChanged(T1)).build();
        assertThat(steps(plan(root(a), root(changed)))).containsExactly(List.of("RestartApplication(/a)"));
        AppDefinition scaledAndChanged = changed.withInstances(4);
        assertThat(steps(plan(root(a), root(scaledAndChanged)))).containsExactly(List.of("RestartApplication(/a)"));
    }

    @Test
    void restartMarkerRestartsAnUnchangedApp() {
        AppDefinition a = app("/a", 2);
        AppDefinition restarted = a.withVersionInfo(a.versionInfo().configChanged(T1));
        assertThat(steps(plan(root(a), root(restarted)))).containsExactly(List.of("RestartApplication(/a)"));
    }

    @Test
    void scalingToZeroIsAScaleEvenWithOtherChanges() {
        AppDefinition a = app("/a", 2);
        AppDefinition zero = a.toBuilder().cmd("other").instances(0).versionInfo(a.versionInfo().configChanged(T1)).build();
        assertThat(steps(plan(root(a), root(zero)))).containsExactly(List.of("ScaleApplication(/a, 0)"));
    }

    @Test
    void ordersByDependencies() {
        Group target = root(app("/web", 1, "/api"), app("/api", 1, "/db"), app("/db", 1), app("/lonely", 1));
        assertThat(steps(plan(root(), target))).containsExactly(
                List.of("StartApplication(/api)", "StartApplication(/db)", "StartApplication(/lonely)", "StartApplication(/web)"),
                List.of("ScaleApplication(/db, 1)", "ScaleApplication(/lonely, 1)"),
                List.of("ScaleApplication(/api, 1)"),
                List.of("ScaleApplication(/web, 1)"));
    }

    @Test
    void groupDependenciesApplyToEveryAppInTheGroup() {
        Group target = root(app("/prod/db/pg", 1), app("/prod/db/redis", 1), app("/prod/web/ui", 1), app("/prod/web/api", 1));
        target = target.updateGroup(PathId.of("/prod/web"), g -> g.withDependencies(List.of(PathId.of("/prod/db"))), T0);
        List<List<String>> s = steps(plan(root(), target));
        assertThat(s.get(1)).containsExactlyInAnyOrder("ScaleApplication(/prod/db/pg, 1)", "ScaleApplication(/prod/db/redis, 1)");
        assertThat(s.get(2)).containsExactlyInAnyOrder("ScaleApplication(/prod/web/api, 1)", "ScaleApplication(/prod/web/ui, 1)");
    }

    @Test
    void onlyChangedAppsAreOrdered() {
        AppDefinition db = app("/db", 1);
        AppDefinition api = app("/api", 1, "/db");
        AppDefinition api2 = api.toBuilder().cmd("v2").versionInfo(api.versionInfo().configChanged(T1)).build();
        assertThat(steps(plan(root(db, api), root(db, api2)))).containsExactly(List.of("RestartApplication(/api)"));
    }

    @Test
    void findsDependencyCycles() {
        assertThat(DeploymentPlanner.cycles(root(app("/a", 1, "/b"), app("/b", 1, "/a")))).isNotEmpty();
        assertThat(DeploymentPlanner.cycles(root(app("/a", 1, "/b"), app("/b", 1)))).isEmpty();
    }

    static Instance running(AppDefinition a, String id, Instant staged) {
        return new Instance(id, 1, a.id(), a.version(), a.versionInfo().lastConfigChangeAt(), Instance.Condition.Running,
                Instance.Goal.Running, "agent", "host", List.of(31000), List.of(), staged, staged, null, null, "*", null, staged);
    }

    @Test
    void scaleDownKillsYoungestFirstByDefault() {
        AppDefinition a = app("/a", 3);
        List<Instance> is = List.of(running(a, "i1", T0), running(a, "i2", T0.plusSeconds(10)), running(a, "i3", T0.plusSeconds(20)));
        AppDefinition down = a.withInstances(1).withVersionInfo(a.versionInfo().scaled(T1));
        DeploymentPlan p = DeploymentPlanner.plan("p", T1, root(a), root(down), Map.of(a.id(), is), Map.of());
        assertThat(p.steps().get(0).actions().get(0).killInstanceIds()).containsExactly("i3", "i2");

        AppDefinition oldest = down.toBuilder().killSelection(KillSelection.OLDEST_FIRST).build();
        AppDefinition aOldest = a.toBuilder().killSelection(KillSelection.OLDEST_FIRST).build();
        DeploymentPlan p2 = DeploymentPlanner.plan("p", T1, root(aOldest), root(oldest), Map.of(a.id(), is), Map.of());
        assertThat(p2.steps().get(0).actions().get(0).killInstanceIds()).containsExactly("i1", "i2");
    }

    @Test
    void scaleDownPrefersInstancesThatAreNotRunningAndHonoursNamedOnes() {
        AppDefinition a = app("/a", 4);
        Instance staging = running(a, "staging", T0).withCondition(Instance.Condition.Staging);
        Instance scheduled = Instance.scheduled(a, T0);
        List<Instance> is = List.of(running(a, "old", T0), running(a, "young", T0.plusSeconds(5)), staging, scheduled);
        AppDefinition down = a.withInstances(2).withVersionInfo(a.versionInfo().scaled(T1));
        DeploymentPlan p = DeploymentPlanner.plan("p", T1, root(a), root(down), Map.of(a.id(), is), Map.of());
        assertThat(p.steps().get(0).actions().get(0).killInstanceIds()).containsExactly(scheduled.instanceId(), "staging");

        DeploymentPlan named = DeploymentPlanner.plan("p", T1, root(a), root(down), Map.of(a.id(), is), Map.of(a.id(), List.of("old")));
        assertThat(named.steps().get(0).actions().get(0).killInstanceIds()).containsExactly("old", scheduled.instanceId());
    }

    @Test
    void namedKillsWithScaleKeepTheRestOfTheApp() {
        AppDefinition a = app("/a", 2);
        List<Instance> is = List.of(running(a, "i1", T0), running(a, "i2", T0));
        AppDefinition down = a.withInstances(1).withVersionInfo(a.versionInfo().scaled(T1));
        DeploymentPlan p = DeploymentPlanner.plan("p", T1, root(a), root(down), Map.of(a.id(), is), Map.of(a.id(), List.of("i1")));
        assertThat(steps(p)).containsExactly(List.of("ScaleApplication(/a, 1, kill [i1])"));
    }
}
