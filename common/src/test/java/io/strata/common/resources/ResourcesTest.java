package io.strata.common.resources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;
import org.apache.mesos.v1.Protos.Value;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ResourcesTest {

  private static Resource scalarEntry(String name, double v) {
    return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
        .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
  }

  private static Value.Range range(long b, long e) {
    return Value.Range.newBuilder().setBegin(b).setEnd(e).build();
  }

  private static Resource rangesEntry(String name, Value.Range... ranges) {
    return Resource.newBuilder().setName(name).setType(Value.Type.RANGES)
        .setRanges(Value.Ranges.newBuilder().addAllRange(List.of(ranges))).build();
  }

  @Nested
  class Arithmetic {
    @Test
    void plusMergesSameNameAndReservation() {
      Resources r = Resources.scalar("cpus", 1).plus(Resources.scalar("cpus", 2.5));
      assertThat(r.toList()).hasSize(1);
      assertThat(r.cpus()).isEqualTo(3.5);
    }

    @Test
    void scalarsUseFixedPointSoSmallFractionsAddUpExactly() {
      Resources r = Resources.scalar("cpus", 0.1).plus(Resources.scalar("cpus", 0.2));
      assertThat(r.cpus()).isEqualTo(0.3);
      assertThat(r).isEqualTo(Resources.scalar("cpus", 0.3));
      assertThat(r.minus(Resources.scalar("cpus", 0.3)).isEmpty()).isTrue();
    }

    @Test
    void minusRemovesExhaustedEntries() {
      Resources total = Resources.parse("cpus:4;mem:1024;ports:[31000-32000]");
      Resources used = Resources.parse("cpus:4;mem:24;ports:[31000-31000,31500-31600]");
      Resources left = total.minus(used);
      assertThat(left.cpus()).isZero();
      assertThat(left.toList()).extracting(Resource::getName).containsExactly("mem", "ports");
      assertThat(left.mem()).isEqualTo(1000);
      assertThat(left.ranges("ports")).containsExactly(range(31001, 31499), range(31601, 32000));
      assertThat(left.plus(used)).isEqualTo(total);
    }

    @Test
    void minusOfWhatIsNotContainedIsRejected() {
      Resources total = Resources.parse("cpus:1");
      assertThatThrownBy(() -> total.minus(Resources.parse("cpus:2")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not contained");
      assertThatThrownBy(() -> total.minus(Resources.parse("cpus(foo):1")))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void equalityIgnoresOrderAndHowTheBagWasBuilt() {
      Resources a = Resources.parse("cpus:1;mem:128;ports:[1-2,3-4]");
      Resources b = Resources.of(List.of(rangesEntry("ports", range(3, 4), range(1, 2)), scalarEntry("mem", 100),
          scalarEntry("cpus", 1), scalarEntry("mem", 28)));
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a).isNotEqualTo(Resources.parse("cpus:1;mem:129;ports:[1-4]"));
    }

    @Test
    void zeroValuedEntriesVanish() {
      assertThat(Resources.of(List.of(scalarEntry("cpus", 0))).isEmpty()).isTrue();
      assertThat(Resources.parse("")).isEqualTo(Resources.empty());
    }

    @Test
    void scalarSumsAcrossReservationsAndAllocations() {
      Resources r = Resources.parse("cpus:1;cpus(a):2;foo:3;foo(b):0.5").plus(Resources.scalar("cpus", 4).allocatedTo("c"));
      assertThat(r.cpus()).isEqualTo(7);
      assertThat(r.scalar("cpus")).isEqualTo(7);
      assertThat(r.scalar("foo")).isEqualTo(3.5);
      assertThat(r.scalar("bar")).isZero();
      assertThat(r.mem()).isZero();
    }

    @Test
    void setsAddAndSubtract() {
      Resources r = Resources.parse("zones:{b,a}").plus(Resources.parse("zones:{c}"));
      assertThat(r.toList().get(0).getSet().getItemList()).containsExactly("a", "b", "c");
      assertThat(r.contains(Resources.parse("zones:{a,c}"))).isTrue();
      assertThat(r.contains(Resources.parse("zones:{d}"))).isFalse();
      assertThat(r.minus(Resources.parse("zones:{a}")).toString()).isEqualTo("zones:{b, c}");
    }
  }

  @Nested
  class Ranges {
    @Test
    void overlappingAndAdjacentRangesCoalesce() {
      Resources r = Resources.of(List.of(rangesEntry("ports", range(10, 20), range(5, 12), range(21, 25), range(30, 30))));
      assertThat(r.ranges("ports")).containsExactly(range(5, 25), range(30, 30));
    }

    @Test
    void rangesUnionAcrossEntries() {
      Resources r = Resources.parse("ports:[1-2,5-9];ports(a):[3-4]");
      assertThat(r.toList()).hasSize(2);
      assertThat(r.ranges("ports")).containsExactly(range(1, 9));
    }

    @Test
    void subtractSplitsRanges() {
      Resources r = Resources.ports(1, 100).minus(Resources.parse("ports:[1-1,50-60,100-100]"));
      assertThat(r.ranges("ports")).containsExactly(range(2, 49), range(61, 99));
      assertThat(Resources.ports(1, 10).minus(Resources.ports(1, 10)).isEmpty()).isTrue();
    }

    @Test
    void rangeContainment() {
      Resources r = Resources.parse("ports:[1-10,20-30]");
      assertThat(r.contains(Resources.parse("ports:[2-3,20-30]"))).isTrue();
      assertThat(r.contains(Resources.parse("ports:[9-21]"))).isFalse();
      assertThat(r.contains(Resources.parse("ports:[31-31]"))).isFalse();
    }

    @Test
    void extremeBoundsDoNotOverflow() {
      Resources r = Resources.ports(Long.MAX_VALUE - 5, Long.MAX_VALUE).minus(Resources.ports(Long.MAX_VALUE - 1, Long.MAX_VALUE));
      assertThat(r.ranges("ports")).containsExactly(range(Long.MAX_VALUE - 5, Long.MAX_VALUE - 2));
    }

    @Test
    void rangesOfAbsentNameIsEmpty() {
      assertThat(Resources.scalar("cpus", 1).ranges("ports")).isEmpty();
    }
  }

  @Nested
  class Reservations {
    @Test
    void containsIsReservationAware() {
      Resources r = Resources.parse("cpus:4;cpus(slave_public):2");
      assertThat(r.contains(Resources.parse("cpus:4"))).isTrue();
      assertThat(r.contains(Resources.parse("cpus:5"))).isFalse();
      assertThat(r.contains(Resources.parse("cpus(slave_public):2"))).isTrue();
      assertThat(r.contains(Resources.parse("cpus(other):1"))).isFalse();
      assertThat(Resources.parse("cpus(slave_public):2").contains(Resources.parse("cpus:1"))).isFalse();
    }

    @Test
    void allocationInfoIsPartOfIdentity() {
      Resources offered = Resources.scalar("cpus", 2).allocatedTo("web");
      assertThat(offered.contains(Resources.scalar("cpus", 1))).isFalse();
      assertThat(offered.withoutAllocationInfo()).isEqualTo(Resources.scalar("cpus", 2));
      assertThat(offered.toList()).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("web"));
      assertThat(offered.allocatedTo("web")).isSameAs(offered);
    }

    @Test
    void reallocatingMergesEntriesThatBecomeIdentical() {
      Resources mixed = Resources.scalar("cpus", 1).allocatedTo("a").plus(Resources.scalar("cpus", 2).allocatedTo("b"));
      assertThat(mixed.toList()).hasSize(2);
      Resources moved = mixed.allocatedTo("c");
      assertThat(moved.toList()).hasSize(1);
      assertThat(moved.cpus()).isEqualTo(3);
      assertThat(mixed.withoutAllocationInfo()).isEqualTo(Resources.scalar("cpus", 3));
    }

    @Test
    void filtersByReservation() {
      Resources r = Resources.parse("cpus:4;mem:100;cpus(slave_public):2;mem(a):10;mem(a/b):5");
      assertThat(r.unreserved()).isEqualTo(Resources.parse("cpus:4;mem:100"));
      assertThat(r.reservedFor("slave_public")).isEqualTo(Resources.parse("cpus(slave_public):2"));
      assertThat(r.reservedFor("a")).isEqualTo(Resources.parse("mem(a):10"));
      assertThat(r.allocatableTo("slave_public")).isEqualTo(Resources.parse("cpus:4;mem:100;cpus(slave_public):2"));
      assertThat(r.allocatableTo("*")).isEqualTo(r.unreserved());
      // hierarchical: a/b may use what is reserved to its ancestor a, not the other way round
      assertThat(r.allocatableTo("a/b")).isEqualTo(Resources.parse("cpus:4;mem:100;mem(a):10;mem(a/b):5"));
      assertThat(r.allocatableTo("a")).isEqualTo(Resources.parse("cpus:4;mem:100;mem(a):10"));
      assertThat(r.allocatableTo("ab")).isEqualTo(r.unreserved());
      assertThat(r.reservationRoles()).containsExactly("a", "a/b", "slave_public");
      assertThat(Resources.parse("cpus:1").reservationRoles()).isEmpty();
    }

    @Test
    void unreservedOfUnreservedIsTheSameInstance() {
      Resources r = Resources.parse("cpus:4;mem:100");
      assertThat(r.unreserved()).isSameAs(r);
      assertThat(r.allocatableTo("x")).isSameAs(r);
    }

    @Test
    void preRefinementInputIsUpgraded() {
      Resource legacyStatic = scalarEntry("cpus", 2).toBuilder().setRole("slave_public").build();
      Resource legacyDynamic = scalarEntry("mem", 64).toBuilder().setRole("web")
          .setReservation(ReservationInfo.newBuilder().setPrincipal("ops")).build();
      Resource star = scalarEntry("disk", 10).toBuilder().setRole("*").build();
      Resources r = Resources.of(List.of(legacyStatic, legacyDynamic, star));
      assertThat(r.toList()).allSatisfy(e -> {
        assertThat(e.hasRole()).isFalse();
        assertThat(e.hasReservation()).isFalse();
      });
      assertThat(r.reservedFor("slave_public").toList().get(0).getReservations(0))
          .isEqualTo(ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("slave_public").build());
      assertThat(r.reservedFor("web").toList().get(0).getReservations(0))
          .isEqualTo(ReservationInfo.newBuilder().setType(ReservationInfo.Type.DYNAMIC).setRole("web").setPrincipal("ops").build());
      assertThat(r.unreserved()).isEqualTo(Resources.scalar("disk", 10));
    }

    @Test
    void downgradeAndUpgradeRoundTrip() {
      Resource dynamic = scalarEntry("mem", 64).toBuilder()
          .addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.DYNAMIC).setRole("web")
              .setPrincipal("ops").setLabels(Labels.newBuilder().addLabels(Label.newBuilder().setKey("k").setValue("v"))))
          .build();
      Resources r = Resources.parse("cpus:1;cpus(slave_public):2;ports:[1-5]")
          .plus(Resources.of(List.of(dynamic))).allocatedTo("web");
      Resources down = r.downgraded();
      assertThat(down.toList()).allSatisfy(e -> {
        assertThat(e.getReservationsCount()).isZero();
        assertThat(e.hasRole()).isTrue();
        assertThat(e.getAllocationInfo().getRole()).isEqualTo("web");
      });
      assertThat(down.toList()).filteredOn(e -> e.getName().equals("cpus"))
          .extracting(Resource::getRole).containsExactlyInAnyOrder("*", "slave_public");
      Resource legacyMem = down.toList().stream().filter(e -> e.getName().equals("mem")).findFirst().orElseThrow();
      assertThat(legacyMem.getRole()).isEqualTo("web");
      assertThat(legacyMem.getReservation().getPrincipal()).isEqualTo("ops");
      assertThat(legacyMem.getReservation().hasRole()).isFalse();
      assertThat(legacyMem.getReservation().getLabels().getLabels(0).getKey()).isEqualTo("k");
      assertThat(down.downgraded()).isSameAs(down);
      assertThat(Resources.of(down.toList())).isEqualTo(r);
      // arithmetic on a downgraded bag works on its upgraded meaning
      assertThat(down.contains(r)).isTrue();
      assertThat(down.minus(r).isEmpty()).isTrue();
      assertThat(down.cpus()).isEqualTo(3);
    }
  }

  @Nested
  class Parsing {
    @Test
    void parsesTheAgentFlagSyntax() {
      Resources r = Resources.parse("cpus:4;mem:8192;disk:1000;ports:[31000-32000];cpus(slave_public):2");
      assertThat(r.cpus()).isEqualTo(6);
      assertThat(r.mem()).isEqualTo(8192);
      assertThat(r.disk()).isEqualTo(1000);
      assertThat(r.ranges("ports")).containsExactly(range(31000, 32000));
      assertThat(r.reservedFor("slave_public").cpus()).isEqualTo(2);
      assertThat(r.reservedFor("slave_public").toList().get(0).getReservations(0).getType())
          .isEqualTo(ReservationInfo.Type.STATIC);
    }

    @Test
    void toleratesWhitespaceTrailingSeparatorAndStarRole() {
      Resources r = Resources.parse(" cpus(*) : 2 ; ports : [ 1 - 2 , 5-9 ] ;");
      assertThat(r).isEqualTo(Resources.parse("cpus:2;ports:[1-2,5-9]"));
      assertThat(r.unreserved()).isSameAs(r);
    }

    @Test
    void parsesJsonArrays() {
      Resources r = Resources.parse("""
          [{"name":"cpus","type":"SCALAR","scalar":{"value":2}},
           {"name":"ports","type":"RANGES","ranges":{"range":[{"begin":1,"end":5}]}},
           {"name":"mem","type":"SCALAR","scalar":{"value":64},"role":"slave_public"},
           {"name":"disk","scalar":{"value":10}}]
          """);
      assertThat(r).isEqualTo(Resources.parse("cpus:2;ports:[1-5];mem(slave_public):64;disk:10"));
    }

    @Test
    void rejectsMalformedText() {
      assertThatThrownBy(() -> Resources.parse("cpus")).hasMessageContaining("name:value");
      assertThatThrownBy(() -> Resources.parse("cpus:abc")).hasMessageContaining("Invalid scalar value 'abc'");
      assertThatThrownBy(() -> Resources.parse("cpus(foo:1")).hasMessageContaining("')'");
      assertThatThrownBy(() -> Resources.parse("cpus():1")).hasMessageContaining("Empty role");
      assertThatThrownBy(() -> Resources.parse(":1")).hasMessageContaining("Missing resource name");
      assertThatThrownBy(() -> Resources.parse("ports:[1-x]")).hasMessageContaining("Invalid range '1-x'");
      assertThatThrownBy(() -> Resources.parse("ports:[1-2")).hasMessageContaining("']'");
      assertThatThrownBy(() -> Resources.parse("ports:[5-1]")).hasMessageContaining("begin > end");
      assertThatThrownBy(() -> Resources.parse("ports:[1-5,3-9]")).hasMessageContaining("overlapping");
      assertThatThrownBy(() -> Resources.parse("cpus:-1")).hasMessageContaining("negative");
      assertThatThrownBy(() -> Resources.parse("ports:5")).hasMessageContaining("must be of type RANGES");
      assertThatThrownBy(() -> Resources.parse("cpus:[1-2]")).hasMessageContaining("must be of type SCALAR");
      assertThatThrownBy(() -> Resources.parse("cpus:")).hasMessageContaining("Missing value");
      assertThatThrownBy(() -> Resources.parse("zones:{a,,b}")).hasMessageContaining("Empty item");
      assertThatThrownBy(() -> Resources.parse("cpus(a b):1")).hasMessageContaining("whitespace");
    }

    @Test
    void rejectsMalformedJson() {
      assertThatThrownBy(() -> Resources.parse("[{\"name\":\"cpus\"")).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not valid JSON");
      assertThatThrownBy(() -> Resources.parse("[1]")).hasMessageContaining("must be objects");
      assertThatThrownBy(() -> Resources.parse("[{\"name\":\"cpus\",\"bogus\":1}]")).hasMessageContaining("Invalid JSON resource");
      assertThatThrownBy(() -> Resources.parse("[{\"name\":\"cpus\"}]")).hasMessageContaining("has no type");
    }

    @Test
    void toStringRoundTripsThroughParse() {
      Resources r = Resources.parse("cpus:1.5;mem:128;ports:[31000-31000,31005-31010];cpus(slave_public):2;zones:{a,b}");
      assertThat(r.toString()).isEqualTo("cpus:1.5;mem:128;ports:[31000-31000, 31005-31010];cpus(slave_public):2;zones:{a, b}");
      assertThat(Resources.parse(r.toString())).isEqualTo(r);
      assertThat(Resources.parse("cpus:1;mem:128;ports:[31000-31000]").toString()).isEqualTo("cpus:1;mem:128;ports:[31000-31000]");
      assertThat(Resources.empty().toString()).isEmpty();
    }
  }

  @Nested
  class Validation {
    @Test
    void acceptsGoodInput() {
      assertThat(Resources.validate(Resources.parse("cpus:1;mem:2;ports:[1-2];cpus(a/b):1").toList())).isNull();
      assertThat(Resources.validate(List.of(scalarEntry("cpus", 1).toBuilder().setRole("web").build()))).isNull();
    }

    @Test
    void reportsWhatIsWrong() {
      assertThat(Resources.validate(List.of(scalarEntry("", 1)))).isEqualTo("Empty resource name");
      assertThat(Resources.validate(List.of(scalarEntry("cpus", Double.NaN)))).contains("not a finite number");
      assertThat(Resources.validate(List.of(scalarEntry("mem", -5)))).contains("negative value -5");
      assertThat(Resources.validate(List.of(rangesEntry("ports", range(9, 1))))).contains("begin > end");
      assertThat(Resources.validate(List.of(rangesEntry("ports", range(1, 5), range(5, 6))))).contains("overlapping");
      assertThat(Resources.validate(List.of(rangesEntry("mem", range(1, 5))))).contains("must be of type SCALAR");
      assertThat(Resources.validate(List.of(scalarEntry("gpus", 0.5)))).contains("whole number");
      assertThat(Resources.validate(List.of(Resource.newBuilder().setName("x").setType(Value.Type.SCALAR).buildPartial())))
          .contains("exactly a scalar");
      assertThat(Resources.validate(List.of(scalarEntry("cpus", 1).toBuilder().setRole("a")
          .addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("a")).build())))
          .contains("mixes");
      assertThat(Resources.validate(List.of(scalarEntry("cpus", 1).toBuilder()
          .addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("*")).build())))
          .contains("other than '*'");
      assertThat(Resources.validate(List.of(scalarEntry("cpus", 1).toBuilder()
          .addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole("a"))
          .addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.DYNAMIC).setRole("b")).build())))
          .contains("does not refine");
      assertThat(Resources.validate(List.of(Resource.newBuilder().setName("zones").setType(Value.Type.SET)
          .setSet(Value.Set.newBuilder().addItem("a").addItem("a")).build()))).contains("duplicate item 'a'");
    }

    @Test
    void ofRejectsValuesWithoutMeaning() {
      assertThatThrownBy(() -> Resources.of(List.of(scalarEntry("cpus", -1)))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Resources.of(List.of(rangesEntry("ports", range(3, 1))))).hasMessageContaining("begin 3 > end 1");
    }
  }

  @Nested
  class StateJson {
    @Test
    void hasTheMesosShape() {
      Resources r = Resources.parse("cpus:1;mem:128;ports:[31000-31000,31005-31010]");
      assertThat(r.toStateJson()).containsExactly(
          java.util.Map.entry("disk", 0.0), java.util.Map.entry("mem", 128.0), java.util.Map.entry("gpus", 0.0),
          java.util.Map.entry("cpus", 1.0), java.util.Map.entry("ports", "[31000-31000, 31005-31010]"));
    }

    @Test
    void emptyStillHasTheFourScalarsAndNoPorts() {
      assertThat(Resources.empty().toStateJson()).containsOnlyKeys("disk", "mem", "gpus", "cpus");
    }

    @Test
    void sumsReservationsAndListsOtherScalarsByName() {
      Resources r = Resources.parse("cpus:1;cpus(a):2;foo:3;bar:1.5;ports:[1-2];ports(a):[3-4]");
      var json = r.toStateJson();
      assertThat(json.get("cpus")).isEqualTo(3.0);
      assertThat(json.keySet()).containsExactly("disk", "mem", "gpus", "cpus", "bar", "foo", "ports");
      assertThat(json.get("ports")).isEqualTo("[1-4]");
    }

    @Test
    void serializesWithJacksonAsMesosDoes() throws Exception {
      String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(Resources.parse("cpus:1;mem:128").toStateJson());
      assertThat(json).isEqualTo("{\"disk\":0.0,\"mem\":128.0,\"gpus\":0.0,\"cpus\":1.0}");
    }
  }
}
