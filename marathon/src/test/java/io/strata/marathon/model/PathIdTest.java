package io.strata.marathon.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathIdTest {
    @Test
    void parsesAbsoluteAndRelativeIds() {
        assertThat(PathId.of("/prod/web").segments()).containsExactly("prod", "web");
        assertThat(PathId.of("prod/web").toString()).isEqualTo("/prod/web");
        assertThat(PathId.of("//prod///web/").toString()).isEqualTo("/prod/web");
        assertThat(PathId.parse("web").isAbsolute()).isFalse();
        assertThat(PathId.of("/").isRoot()).isTrue();
        assertThat(PathId.ROOT.toString()).isEqualTo("/");
    }

    @Test
    void resolvesRelativeIdsAgainstABase() {
        PathId base = PathId.of("/prod/backend");
        assertThat(PathId.parse("db").canonical(base)).isEqualTo(PathId.of("/prod/backend/db"));
        assertThat(PathId.parse("../frontend/web").canonical(base)).isEqualTo(PathId.of("/prod/frontend/web"));
        assertThat(PathId.parse("./cache").canonical(base)).isEqualTo(PathId.of("/prod/backend/cache"));
        assertThat(PathId.parse("../../../x").canonical(base)).isEqualTo(PathId.of("/x"));
        assertThat(PathId.parse("/abs").canonical(base)).isEqualTo(PathId.of("/abs"));
    }

    @Test
    void navigatesTheTree() {
        PathId id = PathId.of("/a/b/c");
        assertThat(id.parent()).isEqualTo(PathId.of("/a/b"));
        assertThat(PathId.of("/a").parent()).isEqualTo(PathId.ROOT);
        assertThat(id.isUnder(PathId.of("/a"))).isTrue();
        assertThat(id.isUnder(PathId.of("/a/bb"))).isFalse();
        assertThat(id.ancestors()).containsExactly(PathId.ROOT, PathId.of("/a"), PathId.of("/a/b"));
        assertThat(id.safePath()).isEqualTo("a_b_c");
        assertThat(id.hostname()).isEqualTo("c.b.a");
        assertThat(id.name()).isEqualTo("c");
        assertThat(PathId.of("/a")).isLessThan(PathId.of("/a/b"));
    }

    @Test
    void validatesSegmentsAsMarathonDoes() {
        assertThat(PathId.violations(PathId.of("/prod/web-1.v2"))).isEmpty();
        assertThat(PathId.violations(PathId.of("/Prod"))).singleElement().asString().startsWith("must fully match regular expression");
        assertThat(PathId.violations(PathId.of("/my_app"))).isNotEmpty();
        assertThat(PathId.violations(PathId.of("/-app"))).isNotEmpty();
        assertThat(PathId.violations(PathId.of("/app-"))).isNotEmpty();
        assertThat(PathId.violations(PathId.of("/a/tasks"))).containsExactly(
                "must not end with any of the following reserved keywords: restart, tasks, versions, ., ..");
        assertThat(PathId.RAML_PATTERN.matcher("/prod/web").matches()).isTrue();
        assertThat(PathId.RAML_PATTERN.matcher("../web").matches()).isTrue();
        assertThat(PathId.RAML_PATTERN.matcher("/Prod").matches()).isFalse();
        assertThat(PathId.RAML_PATTERN.matcher("/a_b").matches()).isFalse();
    }
}
