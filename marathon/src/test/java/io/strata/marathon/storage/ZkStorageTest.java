package io.strata.marathon.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.common.zk.ZkClients;
import io.strata.common.zk.ZkUri;
import io.strata.marathon.deployment.DeploymentAction;
import io.strata.marathon.deployment.DeploymentPlan;
import io.strata.marathon.deployment.DeploymentStep;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Group;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.curator.framework.CuratorFramework;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZkStorageTest {
    static EmbeddedZooKeeper zkServer;
    static CuratorFramework zk;
    static int counter;

    @BeforeAll
    static void startZk(@TempDir Path dir) throws Exception {
        zkServer = EmbeddedZooKeeper.start("127.0.0.1", 0, dir);
        zk = ZkClients.connect(ZkUri.parse("zk://" + zkServer.connectString() + "/"));
    }

    @AfterAll
    static void stopZk() {
        zk.close();
        zkServer.close();
    }

    static AppDefinition app(String id, int instances, Instant v) {
        return AppDefinition.builder(PathId.of(id)).cmd("sleep 100").instances(instances).versionInfo(VersionInfo.initial(v)).build();
    }

    @Test
    void storesAndReloadsEverything() {
        String path = "/marathon-" + (++counter);
        ZkStorage s = new ZkStorage(zk, path, 50);
        assertThat(s.load().root().transitiveApps()).isEmpty();
        Instant v1 = Instant.parse("2024-01-01T00:00:00.001Z");
        Group root = Group.emptyRoot(v1).putApp(PathId.of("/prod/web"), app("/prod/web", 2, v1), v1)
                .putApp(PathId.of("/db"), app("/db", 1, v1), v1);
        DeploymentPlan plan = new DeploymentPlan("d-1", v1, Group.emptyRoot(Instant.EPOCH), root,
                List.of(new DeploymentStep(List.of(DeploymentAction.start(PathId.of("/db")))),
                        new DeploymentStep(List.of(DeploymentAction.scale(PathId.of("/db"), 1, List.of("x"))))));
        s.commit(root, List.of(plan), List.of());
        Instance inst = Instance.scheduled(root.app(PathId.of("/db")).orElseThrow(), v1);
        s.saveInstances(List.of(inst));
        s.frameworkId("fw-1");

        Storage.Snapshot snap = new ZkStorage(zk, path, 50).load();
        assertThat(snap.root()).isEqualTo(root);
        assertThat(snap.deployments()).singleElement().satisfies(p -> {
            assertThat(p.id()).isEqualTo("d-1");
            assertThat(p.steps()).isEqualTo(plan.steps());
            assertThat(p.target()).isEqualTo(root);
        });
        assertThat(snap.instances()).containsExactly(inst);
        assertThat(snap.frameworkId()).isEqualTo("fw-1");

        Instant v2 = Instant.parse("2024-01-01T00:00:01Z");
        Group root2 = root.putApp(PathId.of("/db"), app("/db", 3, v2), v2);
        s.commit(root2, List.of(), List.of("d-1"));
        s.removeInstances(List.of(inst.instanceId()));
        ZkStorage reloaded = new ZkStorage(zk, path, 50);
        Storage.Snapshot snap2 = reloaded.load();
        assertThat(snap2.root()).isEqualTo(root2);
        assertThat(snap2.deployments()).isEmpty();
        assertThat(snap2.instances()).isEmpty();
        assertThat(reloaded.appVersions(PathId.of("/db"))).containsExactly(v2, v1);
        assertThat(reloaded.appVersion(PathId.of("/db"), v1)).contains(app("/db", 1, v1));
        assertThat(reloaded.rootVersions()).containsExactly(v2, v1);
        assertThat(reloaded.rootVersion(v1)).contains(root);
    }

    @Test
    void keepsOnlyTheNewestVersions() {
        ZkStorage s = new ZkStorage(zk, "/marathon-" + (++counter), 3);
        Group root = Group.emptyRoot(Instant.EPOCH);
        for (int i = 1; i <= 6; i++) {
            Instant v = Instant.ofEpochMilli(1_000L * i);
            root = root.putApp(PathId.of("/a"), app("/a", i, v), v);
            s.commit(root, List.of(), List.of());
        }
        assertThat(s.appVersions(PathId.of("/a"))).hasSize(3).first().isEqualTo(Instant.ofEpochMilli(6_000));
        assertThat(s.rootVersions()).hasSize(3);
    }

    @Test
    void compressesLargeNodes() {
        String path = "/marathon-" + (++counter);
        ZkStorage s = new ZkStorage(zk, path, 5);
        Instant v = Instant.ofEpochMilli(5_000);
        StringBuilder big = new StringBuilder();
        for (int i = 0; i < 100_000; i++) big.append('x');
        AppDefinition a = app("/big", 1, v).toBuilder().labels(Map.of("blob", big.toString())).build();
        s.commit(Group.emptyRoot(v).putApp(a.id(), a, v), List.of(), List.of());
        assertThat(new ZkStorage(zk, path, 5).load().root().app(a.id())).contains(a);
    }
}
