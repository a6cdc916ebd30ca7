package io.strata.agent.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class AgentResourcesTest {
    private static final AgentResources.Machine MACHINE = new AgentResources.Machine(8, 16_384, 100_000);

    @Test
    void detectionLeavesRoomForTheSystem() {
        assertThat(AgentResources.offeredMemMb(16_384)).isEqualTo(15_360);
        assertThat(AgentResources.offeredMemMb(1_000)).as("small machines keep half").isEqualTo(500);
        assertThat(AgentResources.offeredDiskMb(100_000)).isEqualTo(94_880);
        assertThat(AgentResources.offeredDiskMb(6_000)).isEqualTo(3_000);
        assertThat(AgentResources.effectiveSpec(null, false, MACHINE))
                .isEqualTo("cpus:8;mem:15360;disk:94880;ports:[31000-32000]");
    }

    @Test
    void aGivenSpecWinsForWhatItNames() {
        assertThat(AgentResources.effectiveSpec("cpus:2;mem:1024", false, MACHINE))
                .isEqualTo("cpus:2;mem:1024;disk:94880;ports:[31000-32000]");
        assertThat(AgentResources.effectiveSpec("cpus(ops):2;ports:[1-2];disk:5;mem:6;gpus:1", false, MACHINE))
                .isEqualTo("cpus(ops):2;ports:[1-2];disk:5;mem:6;gpus:1");
    }

    @Test
    void aPublicAgentReservesEverythingForSlavePublic() {
        assertThat(AgentResources.effectiveSpec("cpus:2;mem(ops):1024", true, MACHINE))
                .isEqualTo("cpus(slave_public):2;mem(ops):1024;disk(slave_public):94880;ports(slave_public):[31000-32000]");
        List<Resource> resources = AgentResources.resolve("cpus:2;mem:512;disk:100;ports:[31000-31005]", true, MACHINE);
        assertThat(resources).isNotEmpty();
        for (Resource r : resources) {
            assertThat(r.getReservationsCount()).as(r.getName()).isPositive();
            assertThat(r.getReservations(r.getReservationsCount() - 1).getRole()).isEqualTo("slave_public");
        }
    }

    @Test
    void resolvesIntoResourceMessages() {
        List<Resource> resources = AgentResources.resolve("cpus:2;mem:512;disk:100;ports:[31000-31005]", false, MACHINE);
        assertThat(resources).extracting(Resource::getName).contains("cpus", "mem", "disk", "ports");
        Resource cpus = resources.stream().filter(r -> r.getName().equals("cpus")).findFirst().orElseThrow();
        assertThat(cpus.getScalar().getValue()).isEqualTo(2.0);
        assertThat(cpus.getReservationsCount()).isZero();
    }

    @Test
    void machineProbeFindsSomething() {
        AgentResources.Machine m = AgentResources.Machine.probe(java.nio.file.Path.of("/tmp/does/not/exist/yet"));
        assertThat(m.processors()).isPositive();
        assertThat(m.memTotalMb()).isPositive();
        assertThat(m.diskTotalMb()).isPositive();
    }

    @Test
    void attributesAreTypedByTheirValue() {
        List<Attribute> a = Attributes.parse("rack:a;zone:1;weight:0.5;slots:[1-3,5-6];tags:{x,y}");
        assertThat(a).extracting(Attribute::getName).containsExactly("rack", "zone", "weight", "slots", "tags");
        assertThat(a.get(0).getType()).isEqualTo(Value.Type.TEXT);
        assertThat(a.get(0).getText().getValue()).isEqualTo("a");
        assertThat(a.get(1).getType()).isEqualTo(Value.Type.SCALAR);
        assertThat(a.get(1).getScalar().getValue()).isEqualTo(1.0);
        assertThat(a.get(2).getScalar().getValue()).isEqualTo(0.5);
        assertThat(a.get(3).getRanges().getRangeList()).hasSize(2);
        assertThat(a.get(4).getSet().getItemList()).containsExactly("x", "y");
        assertThat(Attributes.parse(null)).isEmpty();
        assertThatThrownBy(() -> Attributes.parse("novalue")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void publicAgentsSayPublicIp() {
        List<Attribute> a = Attributes.withPublicIp(Attributes.parse("rack:a;public_ip:false"));
        assertThat(a).extracting(Attribute::getName).containsExactly("rack", "public_ip");
        assertThat(a.get(1).getText().getValue()).isEqualTo("true");
    }
}
