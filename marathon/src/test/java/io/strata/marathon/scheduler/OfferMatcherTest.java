package io.strata.marathon.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.Json;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Test;

class OfferMatcherTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    static AppDefinition app(String json) {
        return AppCodec.readRequest(Json.read(json), PathId.ROOT, null, "*").withVersionInfo(VersionInfo.initial(T));
    }

    static Resource scalar(String name, double v, String role) {
        Resource.Builder r = Resource.newBuilder().setName(name).setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(v));
        if (!role.equals("*")) r.addReservations(Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
        return r.build();
    }

    static Resource ports(long begin, long end, String role) {
        Resource.Builder r = Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                .setRanges(Value.Ranges.newBuilder().addRange(Value.Range.newBuilder().setBegin(begin).setEnd(end)));
        if (!role.equals("*")) r.addReservations(Resource.ReservationInfo.newBuilder().setType(Resource.ReservationInfo.Type.STATIC).setRole(role));
        return r.build();
    }

    static Offer offer(String host, String role, double cpus, double mem, long portFrom, long portTo, String rack) {
        Offer.Builder o = Offer.newBuilder().setId(OfferID.newBuilder().setValue("o-" + host)).setFrameworkId(FrameworkID.newBuilder().setValue("f"))
                .setAgentId(AgentID.newBuilder().setValue("agent-" + host)).setHostname(host)
                .addResources(scalar("cpus", cpus, role)).addResources(scalar("mem", mem, role)).addResources(scalar("disk", 1000, role))
                .addResources(ports(portFrom, portTo, role));
        if (rack != null) o.addAttributes(Attribute.newBuilder().setName("rack").setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(rack)));
        return o.build();
    }

    static List<OfferMatcher.Candidate> candidates(AppDefinition app, int n) {
        List<OfferMatcher.Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new OfferMatcher.Candidate(Instance.scheduled(app, T), app));
        return out;
    }

    @Test
    void packsAsManyInstancesAsFit() {
        AppDefinition a = app("{\"id\":\"/web\",\"cmd\":\"x\",\"cpus\":0.5,\"mem\":100,\"portDefinitions\":[{\"port\":0},{\"port\":0}]}");
        List<OfferMatcher.Match> m = OfferMatcher.match(offer("h1", "*", 1.2, 1000, 31000, 31010, null), candidates(a, 3), List.of(), Map.of(), 10);
        assertThat(m).hasSize(2);
        assertThat(m.get(0).hostPorts()).containsExactly(31000, 31001);
        assertThat(m.get(1).hostPorts()).containsExactly(31002, 31003);
        double cpus = m.get(0).resources().stream().filter(r -> r.getName().equals("cpus")).mapToDouble(r -> r.getScalar().getValue()).sum();
        assertThat(cpus).isEqualTo(0.5);
        assertThat(m.get(0).resources().stream().filter(r -> r.getName().equals("ports")).findFirst().orElseThrow().getRanges().getRangeCount()).isEqualTo(2);
    }

    @Test
    void honoursRequirePortsAndPortsInUse() {
        AppDefinition a = app("{\"id\":\"/web\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10,\"requirePorts\":true,\"portDefinitions\":[{\"port\":31005}]}");
        List<OfferMatcher.Match> m = OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, null), candidates(a, 2), List.of(), Map.of(), 10);
        assertThat(m).hasSize(1);
        assertThat(m.get(0).hostPorts()).containsExactly(31005);
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 32000, 32010, null), candidates(a, 1), List.of(), Map.of(), 10)).isEmpty();
    }

    @Test
    void bridgeMappingsNeedOnlyTheirHostPorts() {
        AppDefinition a = app("{\"id\":\"/web\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10,\"container\":{\"type\":\"DOCKER\",\"docker\":{\"image\":\"nginx\",\"network\":\"BRIDGE\","
                + "\"portMappings\":[{\"containerPort\":80,\"hostPort\":0},{\"containerPort\":443,\"hostPort\":31009}]}}}");
        List<OfferMatcher.Match> m = OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, null), candidates(a, 1), List.of(), Map.of(), 10);
        assertThat(m.get(0).hostPorts()).containsExactly(31000, 31009);
    }

    @Test
    void acceptsOnlyTheRolesTheAppAccepts() {
        AppDefinition pub = app("{\"id\":\"/lb\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10,\"acceptedResourceRoles\":[\"slave_public\"],\"role\":\"slave_public\"}");
        AppDefinition any = app("{\"id\":\"/web\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10}");
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, null), candidates(pub, 1), List.of(), Map.of(), 10)).isEmpty();
        assertThat(OfferMatcher.match(offer("p1", "slave_public", 4, 1000, 31000, 31010, null), candidates(pub, 1), List.of(), Map.of(), 10)).hasSize(1);
        assertThat(OfferMatcher.match(offer("p1", "slave_public", 4, 1000, 31000, 31010, null), candidates(any, 1), List.of("*"), Map.of(), 10))
                .as("--default_accepted_resource_roles *").isEmpty();
        OfferMatcher.Match m = OfferMatcher.match(offer("p1", "slave_public", 4, 1000, 31000, 31010, null), candidates(pub, 1), List.of(), Map.of(), 10).get(0);
        assertThat(m.resources()).allMatch(r -> OfferMatcher.role(r).equals("slave_public"));
    }

    @Test
    void appliesConstraintsAcrossThisOfferAndEarlierPlacements() {
        AppDefinition a = app("{\"id\":\"/web\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10,\"constraints\":[[\"hostname\",\"UNIQUE\"]]}");
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, null), candidates(a, 3), List.of(), Map.of(), 10)).hasSize(1);
        Map<PathId, List<Constraints.Placement>> placed = Map.of(a.id(), List.of(new Constraints.Placement("h1", Map.of())));
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, null), candidates(a, 1), List.of(), placed, 10)).isEmpty();
        assertThat(OfferMatcher.match(offer("h2", "*", 4, 1000, 31000, 31010, null), candidates(a, 1), List.of(), placed, 10)).hasSize(1);
        AppDefinition rack = app("{\"id\":\"/db\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10,\"constraints\":[[\"rack\",\"CLUSTER\",\"r2\"]]}");
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, "r1"), candidates(rack, 1), List.of(), Map.of(), 10)).isEmpty();
        assertThat(OfferMatcher.match(offer("h1", "*", 4, 1000, 31000, 31010, "r2"), candidates(rack, 1), List.of(), Map.of(), 10)).hasSize(1);
    }

    @Test
    void skipsWhatDoesNotFitAndTriesTheNext() {
        AppDefinition big = app("{\"id\":\"/big\",\"cmd\":\"x\",\"cpus\":8,\"mem\":10}");
        AppDefinition small = app("{\"id\":\"/small\",\"cmd\":\"x\",\"cpus\":0.1,\"mem\":10}");
        List<OfferMatcher.Candidate> cs = new ArrayList<>(candidates(big, 1));
        cs.addAll(candidates(small, 1));
        List<OfferMatcher.Match> m = OfferMatcher.match(offer("h1", "*", 1, 1000, 31000, 31010, null), cs, List.of(), Map.of(), 10);
        assertThat(m).singleElement().satisfies(x -> assertThat(x.app().id()).isEqualTo(PathId.of("/small")));
    }
}
