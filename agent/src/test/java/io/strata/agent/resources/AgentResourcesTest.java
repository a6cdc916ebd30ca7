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
        List<Resource> detected = AgentResources.resolve(null, false, MACHINE);
        assertThat(scalar(detected, "cpus")).isEqualTo(8);
        assertThat(scalar(detected, "mem")).isEqualTo(15_360);
        assertThat(scalar(detected, "disk")).isEqualTo(94_880);
        assertThat(ports(detected)).isEqualTo("31000-32000");
        assertThat(detected).allMatch(r -> r.getReservationsCount() == 0);
    }

    @Test
    void aGivenSpecWinsForWhatItNames() {
        List<Resource> r = AgentResources.resolve("cpus:2;mem:1024", false, MACHINE);
        assertThat(scalar(r, "cpus")).isEqualTo(2);
        assertThat(scalar(r, "mem")).isEqualTo(1024);
        assertThat(scalar(r, "disk")).as("detected").isEqualTo(94_880);
        assertThat(ports(r)).isEqualTo("31000-32000");
        List<Resource> all = AgentResources.resolve("cpus(ops):2;ports:[1-2];disk:5;mem:6;gpus:1", false, MACHINE);
        assertThat(scalar(all, "cpus")).isEqualTo(2);
        assertThat(scalar(all, "gpus")).isEqualTo(1);
        assertThat(ports(all)).isEqualTo("1-2");
        assertThat(AgentResources.effectiveSpec("cpus:2;mem:1024;disk:10;ports:[31000-31005]", false, MACHINE))
                .contains("cpus:2").contains("mem:1024").contains("ports:[31000-31005]");
    }

    @Test
    void theJsonFormOfResourcesWorksToo() {
        List<Resource> r = AgentResources.resolve(
                "[{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":3}}]", false, MACHINE);
        assertThat(scalar(r, "cpus")).isEqualTo(3);
        assertThat(scalar(r, "mem")).isEqualTo(15_360);
    }

    @Test
    void aPublicAgentReservesEverythingForSlavePublic() {
        List<Resource> r = AgentResources.resolve("cpus:2;mem(ops):1024", true, MACHINE);
        assertThat(r).extracting(Resource::getName).contains("cpus", "mem", "disk", "ports");
        for (Resource x : r) {
            String role = x.getReservations(x.getReservationsCount() - 1).getRole();
            assertThat(role).as(x.getName()).isEqualTo(x.getName().equals("mem") ? "ops" : "slave_public");
            assertThat(x.getReservations(0).getType()).isEqualTo(Resource.ReservationInfo.Type.STATIC);
        }
        assertThat(AgentResources.effectiveSpec("cpus:2", true, MACHINE)).contains("cpus(slave_public):2");
    }

    private static double scalar(List<Resource> resources, String name) {
        return resources.stream().filter(r -> r.getName().equals(name)).mapToDouble(r -> r.getScalar().getValue()).sum();
    }

    private static String ports(List<Resource> resources) {
        return resources.stream().filter(r -> r.getName().equals("ports")).flatMap(r -> r.getRanges().getRangeList().stream())
                .map(x -> x.getBegin() + "-" + x.getEnd()).reduce((a, b) -> a + "," + b).orElse("");
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
