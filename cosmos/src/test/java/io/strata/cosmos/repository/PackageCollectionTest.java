package io.strata.cosmos.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cosmos.Fixtures;
import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.universe.UniversePackage;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PackageCollectionTest {
    static final PackageRepository A = new PackageRepository("a", "https://a.example.org/repo");
    static final PackageRepository B = new PackageRepository("b", "https://b.example.org/repo");

    static UniversePackage pkg(String name, String version, int release, String description) {
        ObjectNode d = Fixtures.hello("1.0.0").definition();
        d.put("name", name).put("version", version).put("releaseVersion", release).put("description", description);
        d.put("selected", false);
        return UniversePackage.of(d);
    }

    static PackageCollection.Loaded loaded(PackageRepository r, UniversePackage... pkgs) {
        return new PackageCollection.Loaded(r, List.of(pkgs), null, Instant.EPOCH);
    }

    @Test
    void theEarlierRepositoryWinsAndNewestReleasesComeFirst() {
        var merged = PackageCollection.merge(List.of(
                loaded(A, pkg("hello", "1.0", 1, "from a"), pkg("hello", "2.0", 2, "from a")),
                loaded(B, pkg("hello", "2.0", 5, "from b"), pkg("hello", "3.0", 6, "from b"), pkg("zeta", "1", 0, "z"))));
        assertThat(merged).extracting(l -> l.pkg().name() + "@" + l.pkg().version() + "/" + l.repo().name())
                .containsExactly("hello@2.0/a", "hello@1.0/a", "hello@3.0/b", "zeta@1/b");
        assertThat(PackageCollection.find(merged, "hello", null).pkg().version()).isEqualTo("2.0");
        assertThat(PackageCollection.find(merged, "hello", "3.0").repo()).isEqualTo(B);
        assertThat(PackageCollection.versions(merged, "hello")).containsOnlyKeys("1.0", "2.0", "3.0");
        assertThatThrownBy(() -> PackageCollection.find(merged, "nope", null))
                .isInstanceOfSatisfying(CosmosError.class, e -> {
                    assertThat(e.type()).isEqualTo("PackageNotFound");
                    assertThat(e.getMessage()).isEqualTo("Package [nope] not found");
                });
        assertThatThrownBy(() -> PackageCollection.find(merged, "hello", "9"))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("VersionNotFound"));
    }

    @Test
    void searchMatchesNameDescriptionAndTagsAndPutsSelectedFirst() {
        ObjectNode sel = pkg("zz-selected", "1", 0, "picked").definition();
        sel.put("selected", true);
        var merged = PackageCollection.merge(List.of(loaded(A, pkg("alpha", "1", 0, "first letter"),
                pkg("beta", "1", 0, "second"), UniversePackage.of(sel))));
        assertThat(PackageSearch.search(merged, null)).extracting(o -> o.path("name").asText())
                .containsExactly("zz-selected", "alpha", "beta");
        assertThat(PackageSearch.search(merged, "LETTER")).extracting(o -> o.path("name").asText()).containsExactly("alpha");
        assertThat(PackageSearch.search(merged, "http")).as("tags").hasSize(3);
        assertThat(PackageSearch.search(merged, "b*")).extracting(o -> o.path("name").asText()).containsExactly("beta");
        assertThat(PackageSearch.search(merged, "*.*")).isEmpty();
        ObjectNode r = PackageSearch.search(merged, "alpha").getFirst();
        assertThat(r.path("currentVersion").asText()).isEqualTo("1");
        assertThat(r.path("versions").path("1").asText()).isEqualTo("0");
        assertThat(r.path("images").path("icon-small").asText()).endsWith("icon-small.png");
    }

    @Test
    void theRepositoryListRules() {
        List<PackageRepository> list = RepositoryList.add(List.of(A), B, 0);
        assertThat(list).containsExactly(B, A);
        assertThatThrownBy(() -> RepositoryList.add(List.of(A), new PackageRepository("a", "https://other"), null))
                .isInstanceOfSatisfying(CosmosError.class, e -> {
                    assertThat(e.type()).isEqualTo("RepositoryAlreadyPresent");
                    assertThat(e.getMessage()).isEqualTo("Repository name [a] is already present in the list");
                });
        assertThatThrownBy(() -> RepositoryList.add(List.of(A), B, 5))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.getMessage())
                        .isEqualTo("Index (5) is out of range. Index value must be between 0 and 1 inclusive."));
        assertThat(RepositoryList.delete(list, null, A.uri())).containsExactly(B);
        assertThatThrownBy(() -> RepositoryList.delete(list, "zzz", null))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("RepositoryNotPresent"));
        assertThatThrownBy(() -> RepositoryList.delete(list, null, null))
                .isInstanceOfSatisfying(CosmosError.class, e -> assertThat(e.type()).isEqualTo("RepoNameOrUriMissing"));
    }
}
