package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalPlanTest {
    private static final Path WD = Path.of("/tmp/wd");

    @Test
    void defaultPlanHasOnePrivateAndOnePublicAgentWithTheirOwnPortRanges() {
        LocalPlan p = LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 5051, 1);
        assertThat(p.agents()).extracting(LocalPlan.Agent::port).containsExactly(5051, 5052);
        assertThat(p.agents()).extracting(LocalPlan.Agent::isPublic).containsExactly(false, true);
        assertThat(p.agents()).extracting(LocalPlan.Agent::resources)
                .containsExactly("ports:[31000-31999]", "ports:[32000-32999]");
        assertThat(p.agents()).extracting(LocalPlan.Agent::workDir)
                .containsExactly(WD.resolve("agent-0"), WD.resolve("public-agent-0"));
        assertThat(p.zkUrl()).isEqualTo("zk://127.0.0.1:2181/strata");
        assertThat(p.masterUrl()).isEqualTo("http://127.0.0.1:5050");
        assertThat(p.zkDataDir()).isEqualTo(WD.resolve("zookeeper"));
        assertThat(p.masterWorkDir()).isEqualTo(WD.resolve("master"));
        assertThat(p.listenPorts()).containsKeys(2181, 5050, 5051, 5052);
    }

    @Test
    void agentIGetsPortsFrom31000Plus1000i() {
        LocalPlan p = LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 6000, 3);
        List<LocalPlan.Agent> a = p.agents();
        assertThat(a).hasSize(4);
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i).port()).isEqualTo(6000 + i);
            assertThat(a.get(i).firstTaskPort()).isEqualTo(31000 + 1000 * i);
            assertThat(a.get(i).lastTaskPort()).isEqualTo(31999 + 1000 * i);
        }
        assertThat(a).filteredOn(LocalPlan.Agent::isPublic).singleElement()
                .satisfies(pub -> assertThat(pub.name()).isEqualTo("public-agent"));
        for (int i = 1; i < a.size(); i++) {
            assertThat(a.get(i).firstTaskPort()).isGreaterThan(a.get(i - 1).lastTaskPort());
        }
    }

    @Test
    void zeroPrivateAgentsStillHasThePublicOne() {
        assertThat(LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 5051, 0).agents())
                .singleElement().satisfies(a -> assertThat(a.isPublic()).isTrue());
    }

    @Test
    void collidingPortsNameTheFlags() {
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 5050, 5050, 5051, 1))
                .hasMessageContaining("--master-port").hasMessageContaining("--zk-port");
        // the second agent would take the master's port
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 5052, 5051, 1))
                .hasMessageContaining("--agent-port").hasMessageContaining("--master-port");
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 31500, 5051, 1))
                .hasMessageContaining("--master-port 31500").hasMessageContaining("31000-32999");
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 65535, 1))
                .hasMessageContaining("--agent-port");
    }

    @Test
    void rejectsAgentCountsAndPortsOutOfRange() {
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 5051, -1)).hasMessageContaining("--agents");
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 5051, 33)).hasMessageContaining("--agents");
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 0, 5050, 5051, 1)).hasMessageContaining("--zk-port");
        assertThatThrownBy(() -> LocalPlan.plan("127.0.0.1", WD, 2181, 70000, 5051, 1)).hasMessageContaining("--master-port");
    }

    @Test
    void theLargestPlanStaysBelowTheLastPort() {
        LocalPlan p = LocalPlan.plan("127.0.0.1", WD, 2181, 5050, 5051, LocalPlan.MAX_PRIVATE_AGENTS);
        assertThat(p.agents().getLast().lastTaskPort()).isLessThanOrEqualTo(65535);
    }
}
