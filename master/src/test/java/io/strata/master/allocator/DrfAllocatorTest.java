package io.strata.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.strata.common.resources.Resources;
import org.apache.mesos.v1.Protos.Resource;
import org.junit.jupiter.api.Test;

class DrfAllocatorTest {
  private static final Instant NOW = Instant.parse("2024-01-01T00:00:00Z");
  private static final String AGENT_SPEC = "cpus:16;mem:65536;disk:100000;ports:[31000-32000]";

  private final DrfAllocator allocator = new DrfAllocator(new SplittableRandom(42));
  private final OfferFilters filters = new OfferFilters();

  private static AgentView agent(String id, String spec) {
    Resources r = Resources.parse(spec);
    return new AgentView(id, id + ".example", r, r);
  }

  private static List<AgentView> agents(int n) {
    List<AgentView> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(agent(String.format("agent-%03d", i), AGENT_SPEC));
    }
    return out;
  }

  private static FrameworkView framework(String id, String role, String allocated) {
    return new FrameworkView(id, List.of(role), Set.of(), Resources.parse(allocated).allocatedTo(role), true);
  }

  private List<OfferPlan> allocate(List<AgentView> agents, List<FrameworkView> frameworks) {
    return allocate(agents, frameworks, Map.of(), NOW);
  }

  private List<OfferPlan> allocate(List<AgentView> agents, List<FrameworkView> frameworks,
      Map<String, Double> weights, Instant now) {
    return allocator.allocate(new AllocationInput(agents, frameworks, weights, filters, now));
  }

  private static Map<String, Long> offersPerFramework(List<OfferPlan> plans) {
    return plans.stream().collect(Collectors.groupingBy(OfferPlan::frameworkId, Collectors.counting()));
  }

  @Test
  void frameworkWithLowerDominantShareGetsTheAgent() {
    List<AgentView> cluster = List.of(agent("a1", "cpus:10;mem:1000"), agent("a2", "cpus:10;mem:1000"));
    // Offering only a1: "rich" holds 40% of mem (dominant), "poor" 20% of cpus.
    List<AgentView> onlyA1 = List.of(new AgentView("a1", "h", cluster.get(0).total(), cluster.get(0).available()),
        new AgentView("a2", "h", cluster.get(1).total(), Resources.empty()));
    List<OfferPlan> plans = allocate(onlyA1, List.of(
        framework("rich", "r", "cpus:1;mem:800"),
        framework("poor", "r", "cpus:4;mem:10")));
    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.frameworkId()).isEqualTo("poor");
      assertThat(p.agentId()).isEqualTo("a1");
    });
  }

  @Test
  void sharesAreUpdatedBetweenAgents() {
    List<OfferPlan> plans = allocate(agents(100), List.of(
        framework("fw-a", "r", "cpus:0"), framework("fw-b", "r", "cpus:0")));
    assertThat(plans).hasSize(100);
    assertThat(offersPerFramework(plans)).containsEntry("fw-a", 50L).containsEntry("fw-b", 50L);
    assertThat(plans).extracting(OfferPlan::agentId).doesNotHaveDuplicates();
  }

  @Test
  void tiesAreBrokenByFrameworkId() {
    List<OfferPlan> plans = allocate(agents(1), List.of(
        framework("fw-b", "r", "cpus:0"), framework("fw-a", "r", "cpus:0")));
    assertThat(plans).singleElement().extracting(OfferPlan::frameworkId).isEqualTo("fw-a");
  }

  @Test
  void rolesAreRankedBeforeTheirFrameworks() {
    // Role "busy" holds much; its poor framework still waits behind role "idle".
    List<AgentView> cluster = agents(4);
    List<OfferPlan> plans = allocate(List.of(cluster.get(0)), List.of(
        framework("busy-rich", "busy", "cpus:32"),
        framework("busy-poor", "busy", "cpus:0"),
        framework("idle-fw", "idle", "cpus:1")));
    assertThat(plans).singleElement().extracting(OfferPlan::frameworkId).isEqualTo("idle-fw");
  }

  @Test
  void weightsScaleTheShare() {
    List<AgentView> cluster = agents(10);
    List<AgentView> oneFree = new ArrayList<>();
    for (int i = 0; i < cluster.size(); i++) {
      AgentView a = cluster.get(i);
      oneFree.add(i == 0 ? a : new AgentView(a.agentId(), a.hostname(), a.total(), Resources.empty()));
    }
    // heavy holds 30% of the cluster, light 15%; heavy's weight 3 makes its share 10%.
    List<FrameworkView> frameworks = List.of(
        framework("heavy-fw", "heavy", "cpus:48"),
        framework("light-fw", "light", "cpus:24"));
    assertThat(allocate(oneFree, frameworks)).singleElement()
        .extracting(OfferPlan::frameworkId).isEqualTo("light-fw");
    assertThat(allocate(oneFree, frameworks, Map.of("heavy", 3.0), NOW)).singleElement()
        .extracting(OfferPlan::frameworkId).isEqualTo("heavy-fw");
  }

  @Test
  void weightedRolesReceiveProportionally() {
    List<OfferPlan> plans = allocate(agents(40), List.of(
        framework("a-fw", "a", "cpus:0"), framework("b-fw", "b", "cpus:0")), Map.of("a", 3.0), NOW);
    assertThat(offersPerFramework(plans)).containsEntry("a-fw", 30L).containsEntry("b-fw", 10L);
  }

  @Test
  void offersCarryTheRoleAsAllocationInfo() {
    List<OfferPlan> plans = allocate(agents(1), List.of(framework("fw", "web", "cpus:0")));
    OfferPlan plan = plans.get(0);
    assertThat(plan.role()).isEqualTo("web");
    assertThat(plan.resources().toList()).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("web"));
    assertThat(plan.resources().withoutAllocationInfo()).isEqualTo(Resources.parse(AGENT_SPEC));
  }

  @Test
  void frameworksWithoutRolesUseTheDefaultRole() {
    FrameworkView fw = new FrameworkView("fw", List.of(), Set.of(), Resources.empty(), true);
    assertThat(allocate(agents(1), List.of(fw))).singleElement().satisfies(p -> {
      assertThat(p.role()).isEqualTo("*");
      assertThat(p.resources().toList()).allSatisfy(r -> assertThat(r.getAllocationInfo().getRole()).isEqualTo("*"));
    });
  }

  @Test
  void reservedResourcesGoOnlyToTheirRole() {
    AgentView publicAgent = agent("pub", "cpus:4;mem:1024;ports:[80-80,443-443];cpus(slave_public):2;mem(slave_public):512");
    FrameworkView web = framework("web", "*", "cpus:0");
    FrameworkView lb = framework("lb", "slave_public", "cpus:0");

    assertThat(allocate(List.of(publicAgent), List.of(web))).singleElement().satisfies(p ->
        assertThat(p.resources().withoutAllocationInfo()).isEqualTo(Resources.parse("cpus:4;mem:1024;ports:[80-80,443-443]")));

    assertThat(allocate(List.of(publicAgent), List.of(lb))).singleElement().satisfies(p ->
        assertThat(p.resources().withoutAllocationInfo()).isEqualTo(publicAgent.available()));

    // "*" ranks first (tie on share, then by name) and takes the unreserved part; the reservation still reaches lb.
    List<OfferPlan> both = allocate(List.of(publicAgent), List.of(web, lb));
    assertThat(both).hasSize(2);
    Map<String, OfferPlan> byFramework = both.stream().collect(Collectors.toMap(OfferPlan::frameworkId, Function.identity()));
    assertThat(byFramework.get("web").resources().withoutAllocationInfo()).isEqualTo(Resources.parse("cpus:4;mem:1024;ports:[80-80,443-443]"));
    assertThat(byFramework.get("lb").resources().withoutAllocationInfo()).isEqualTo(Resources.parse("cpus(slave_public):2;mem(slave_public):512"));
  }

  @Test
  void reservationsWithoutAnEligibleFrameworkAreNotOffered() {
    AgentView reservedOnly = agent("pub", "cpus(slave_public):2;mem(slave_public):512");
    assertThat(allocate(List.of(reservedOnly), List.of(framework("web", "*", "cpus:0")))).isEmpty();
  }

  @Test
  void childRolesMayUseTheirAncestorsReservations() {
    AgentView agent = agent("a1", "cpus(eng):2;mem(eng):512");
    assertThat(allocate(List.of(agent), List.of(framework("fw", "eng/web", "cpus:0")))).singleElement()
        .satisfies(p -> assertThat(p.resources().cpus()).isEqualTo(2));
    assertThat(allocate(List.of(agent), List.of(framework("fw", "engineering", "cpus:0")))).isEmpty();
  }

  @Test
  void suppressedRolesGetNothing() {
    FrameworkView suppressed = new FrameworkView("fw", List.of("web"), Set.of("web"), Resources.empty(), true);
    assertThat(allocate(agents(3), List.of(suppressed))).isEmpty();

    FrameworkView partly = new FrameworkView("fw", List.of("web", "batch"), Set.of("web"), Resources.empty(), true);
    assertThat(allocate(agents(3), List.of(partly))).hasSize(3).allSatisfy(p -> assertThat(p.role()).isEqualTo("batch"));
  }

  @Test
  void inactiveFrameworksGetNothingButTheirAllocationStillCounts() {
    FrameworkView inactive = new FrameworkView("gone", List.of("r"), Set.of(), Resources.parse("cpus:64").allocatedTo("r"), false);
    assertThat(allocate(agents(2), List.of(inactive))).isEmpty();

    // Role r's share includes the inactive framework's 64 cpus, so role "s" is served first.
    List<OfferPlan> plans = allocate(List.of(agents(5).get(0)), List.of(
        inactive, framework("active-r", "r", "cpus:0"), framework("active-s", "s", "cpus:8")));
    assertThat(plans).singleElement().extracting(OfferPlan::frameworkId).isEqualTo("active-s");
  }

  @Test
  void minimumAllocatableIsCpusOrMem() {
    FrameworkView fw = framework("fw", "r", "cpus:0");
    assertThat(allocate(List.of(agent("tiny", "cpus:0.005;mem:31;disk:100;ports:[1-100]")), List.of(fw))).isEmpty();
    assertThat(allocate(List.of(agent("cpu-only", "cpus:0.01")), List.of(fw))).hasSize(1);
    assertThat(allocate(List.of(agent("mem-only", "mem:32")), List.of(fw))).hasSize(1);
    assertThat(allocate(List.of(agent("ports-only", "ports:[1-100]")), List.of(fw))).isEmpty();
  }

  @Test
  void agentsWithNothingAvailableAreSkipped() {
    AgentView full = new AgentView("full", "h", Resources.parse(AGENT_SPEC), Resources.empty());
    assertThat(allocate(List.of(full), List.of(framework("fw", "r", "cpus:0")))).isEmpty();
  }

  @Test
  void multiRoleFrameworksGetOneOfferPerRoleOnAnAgent() {
    AgentView agent = agent("a1", "cpus:4;mem:1024;cpus(b):1;mem(b):256");
    FrameworkView fw = new FrameworkView("fw", List.of("a", "b"), Set.of(), Resources.empty(), true);
    List<OfferPlan> plans = allocate(List.of(agent), List.of(fw));
    assertThat(plans).hasSize(2).allSatisfy(p -> assertThat(p.frameworkId()).isEqualTo("fw"));
    Map<String, OfferPlan> byRole = plans.stream().collect(Collectors.toMap(OfferPlan::role, Function.identity()));
    assertThat(byRole.get("a").resources().withoutAllocationInfo()).isEqualTo(Resources.parse("cpus:4;mem:1024"));
    assertThat(byRole.get("b").resources().withoutAllocationInfo()).isEqualTo(Resources.parse("cpus(b):1;mem(b):256"));
  }

  @Test
  void multiRoleAllocationIsChargedToTheRoleInItsAllocationInfo() {
    // fw holds 64 cpus in role "a" (per allocation info); role "b" is therefore poorer and goes first.
    Resources held = Resources.parse("cpus:64").allocatedTo("a");
    FrameworkView multi = new FrameworkView("multi", List.of("b", "a"), Set.of(), held, true);
    FrameworkView other = framework("other-a", "a", "cpus:0");
    List<OfferPlan> plans = allocate(List.of(agents(8).get(0)), List.of(multi, other));
    assertThat(plans).singleElement().satisfies(p -> {
      assertThat(p.frameworkId()).isEqualTo("multi");
      assertThat(p.role()).isEqualTo("b");
    });
  }

  @Test
  void filteredFrameworksAreSkippedUntilTheFilterExpires() {
    List<AgentView> cluster = agents(1);
    AgentView only = cluster.get(0);
    List<FrameworkView> frameworks = List.of(framework("fw-a", "r", "cpus:0"), framework("fw-b", "r", "cpus:1"));
    filters.refuse("fw-a", only.agentId(), only.available().allocatedTo("r"), NOW.plusSeconds(5));

    assertThat(allocate(cluster, frameworks)).singleElement().extracting(OfferPlan::frameworkId).isEqualTo("fw-b");
    assertThat(allocate(cluster, frameworks, Map.of(), NOW.plus(Duration.ofMillis(4999))))
        .singleElement().extracting(OfferPlan::frameworkId).isEqualTo("fw-b");
    // At the expiry instant the filter no longer applies, even before expire() cleans it up.
    assertThat(allocate(cluster, frameworks, Map.of(), NOW.plusSeconds(5)))
        .singleElement().extracting(OfferPlan::frameworkId).isEqualTo("fw-a");
  }

  @Test
  void aFilterDoesNotBlockResourcesItDoesNotContain() {
    AgentView agent = agent("a1", "cpus:4;mem:1024");
    FrameworkView fw = framework("fw", "r", "cpus:0");
    filters.refuse("fw", "a1", Resources.parse("cpus:2;mem:512"), NOW.plusSeconds(60));
    assertThat(allocate(List.of(agent), List.of(fw))).hasSize(1);

    filters.refuse("fw", "a1", Resources.parse("cpus:4;mem:1024"), NOW.plusSeconds(60));
    assertThat(allocate(List.of(agent), List.of(fw))).isEmpty();
    // The filter is per agent.
    assertThat(allocate(List.of(agent("a2", "cpus:4;mem:1024")), List.of(fw))).hasSize(1);
  }

  @Test
  void aRoleScopedFilterLeavesTheFrameworksOtherRolesAlone() {
    AgentView agent = agent("a1", "cpus:4;mem:1024");
    FrameworkView fw = new FrameworkView("fw", List.of("a", "b"), Set.of(), Resources.empty(), true);
    filters.refuse("fw", "a1", agent.available().allocatedTo("a"), NOW.plusSeconds(60));
    assertThat(allocate(List.of(agent), List.of(fw))).singleElement().extracting(OfferPlan::role).isEqualTo("b");
  }

  @Test
  void everyFrameworkFilteredMeansNoOffer() {
    AgentView agent = agent("a1", "cpus:4;mem:1024");
    filters.refuse("fw", "a1", agent.available(), NOW.plusSeconds(60));
    assertThat(allocate(List.of(agent), List.of(framework("fw", "r", "cpus:0")))).isEmpty();
  }

  @Test
  void noFrameworksNoOffers() {
    assertThat(allocate(agents(3), List.of())).isEmpty();
    assertThat(allocate(List.of(), List.of(framework("fw", "r", "cpus:0")))).isEmpty();
  }

  @Test
  void nullFiltersAndWeightsAreTolerated() {
    List<OfferPlan> plans = allocator.allocate(new AllocationInput(agents(2),
        List.of(framework("fw", "r", "cpus:0")), null, null, NOW));
    assertThat(plans).hasSize(2);
  }

  @Test
  void agentOrderIsShuffledSoNoAgentIsFavoured() {
    List<AgentView> cluster = agents(50);
    List<FrameworkView> one = List.of(framework("fw", "r", "cpus:0"));
    List<String> first = allocate(cluster, one).stream().map(OfferPlan::agentId).toList();
    List<String> second = allocate(cluster, one).stream().map(OfferPlan::agentId).toList();
    assertThat(first).containsExactlyInAnyOrderElementsOf(second).isNotEqualTo(second);
  }

  @Test
  void allocationWithoutAllocationInfoIsChargedToTheFirstRole() {
    FrameworkView legacy = new FrameworkView("legacy", List.of("r"), Set.of(), Resources.parse("cpus:64"), true);
    List<OfferPlan> plans = allocate(List.of(agents(8).get(0)), List.of(legacy, framework("fresh", "r", "cpus:0")));
    assertThat(plans).singleElement().extracting(OfferPlan::frameworkId).isEqualTo("fresh");
  }

  @Test
  void largeClusterIsFullyOffered() {
    List<AgentView> cluster = agents(1000);
    List<FrameworkView> frameworks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      frameworks.add(framework(String.format("fw-%02d", i), "role-" + (i % 4), "cpus:0"));
    }
    List<OfferPlan> plans = allocate(cluster, frameworks);
    assertThat(plans).hasSize(1000);
    assertThat(offersPerFramework(plans).values()).allSatisfy(n -> assertThat(n).isEqualTo(50L));
    Resource sample = plans.get(0).resources().toList().get(0);
    assertThat(sample.hasAllocationInfo()).isTrue();
  }
}
