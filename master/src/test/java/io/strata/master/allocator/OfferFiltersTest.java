package io.strata.master.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import io.strata.common.resources.Resources;
import org.junit.jupiter.api.Test;

class OfferFiltersTest {
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  private static final Resources OFFER = Resources.parse("cpus:4;mem:1024;ports:[31000-31010]");

  private final OfferFilters filters = new OfferFilters();

  @Test
  void filtersWhatTheRefusedResourcesContain() {
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(5));
    assertThat(filters.isFiltered("fw", "a1", OFFER, T0)).isTrue();
    assertThat(filters.isFiltered("fw", "a1", Resources.parse("cpus:1;mem:10"), T0)).isTrue();
    assertThat(filters.isFiltered("fw", "a1", OFFER.plus(Resources.scalar("cpus", 1)), T0)).isFalse();
    assertThat(filters.isFiltered("fw", "a1", Resources.parse("cpus(slave_public):1"), T0)).isFalse();
    assertThat(filters.isFiltered("fw", "a2", OFFER, T0)).isFalse();
    assertThat(filters.isFiltered("other", "a1", OFFER, T0)).isFalse();
  }

  @Test
  void expiresAtItsInstant() {
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(5));
    filters.refuse("fw", "a2", OFFER, T0.plusSeconds(10));
    assertThat(filters.nextExpiry()).contains(T0.plusSeconds(5));
    assertThat(filters.isFiltered("fw", "a1", OFFER, T0.plusSeconds(5))).isFalse();

    filters.expire(T0.plusSeconds(4));
    assertThat(filters.size()).isEqualTo(2);
    filters.expire(T0.plusSeconds(5));
    assertThat(filters.size()).isEqualTo(1);
    assertThat(filters.nextExpiry()).contains(T0.plusSeconds(10));
    filters.expire(T0.plusSeconds(60));
    assertThat(filters.size()).isZero();
    assertThat(filters.nextExpiry()).isEmpty();
    assertThat(filters.mayFilter("fw", "a2")).isFalse();
  }

  @Test
  void offeredResourcesScopeTheFilterToTheirRole() {
    filters.refuse("fw", "a1", OFFER.allocatedTo("a"), T0.plusSeconds(5));
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("a"), T0)).isTrue();
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("b"), T0)).isFalse();
    assertThat(filters.isFiltered("fw", "a1", OFFER, T0)).isTrue();
  }

  @Test
  void roleLessFiltersApplyToEveryRole() {
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(5));
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("a"), T0)).isTrue();
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("b"), T0)).isTrue();
  }

  @Test
  void reviveClearsTheFramework() {
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(5));
    filters.refuse("fw", "a2", OFFER, T0.plusSeconds(5));
    filters.refuse("other", "a1", OFFER, T0.plusSeconds(7));
    filters.clear("fw");
    assertThat(filters.isFiltered("fw", "a1", OFFER, T0)).isFalse();
    assertThat(filters.isFiltered("other", "a1", OFFER, T0)).isTrue();
    assertThat(filters.size()).isEqualTo(1);
    assertThat(filters.nextExpiry()).contains(T0.plusSeconds(7));
  }

  @Test
  void reviveOfOneRoleKeepsTheOtherRolesFilters() {
    filters.refuse("fw", "a1", OFFER.allocatedTo("a"), T0.plusSeconds(5));
    filters.refuse("fw", "a1", OFFER.allocatedTo("b"), T0.plusSeconds(5));
    filters.clear("fw", "a");
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("a"), T0)).isFalse();
    assertThat(filters.isFiltered("fw", "a1", OFFER.allocatedTo("b"), T0)).isTrue();
    assertThat(filters.size()).isEqualTo(1);
  }

  @Test
  void removingAnAgentOrFrameworkDropsItsFilters() {
    filters.refuse("fw1", "a1", OFFER, T0.plusSeconds(5));
    filters.refuse("fw2", "a1", OFFER, T0.plusSeconds(5));
    filters.refuse("fw2", "a2", OFFER, T0.plusSeconds(6));
    filters.removeAgent("a1");
    assertThat(filters.size()).isEqualTo(1);
    assertThat(filters.isFiltered("fw1", "a1", OFFER, T0)).isFalse();
    assertThat(filters.isFiltered("fw2", "a2", OFFER, T0)).isTrue();
    filters.removeFramework("fw2");
    assertThat(filters.size()).isZero();
    assertThat(filters.nextExpiry()).isEmpty();
  }

  @Test
  void repeatedRefusalsOfTheSameResourcesKeepOneFilterWithTheLaterExpiry() {
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(5));
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(10));
    filters.refuse("fw", "a1", OFFER, T0.plusSeconds(7));
    assertThat(filters.size()).isEqualTo(1);
    assertThat(filters.nextExpiry()).contains(T0.plusSeconds(10));
    assertThat(filters.isFiltered("fw", "a1", OFFER, T0.plusSeconds(9))).isTrue();
  }

  @Test
  void refusingNothingCreatesNoFilter() {
    filters.refuse("fw", "a1", Resources.empty(), T0.plusSeconds(5));
    assertThat(filters.size()).isZero();
    assertThat(filters.nextExpiry()).isEmpty();
  }
}
