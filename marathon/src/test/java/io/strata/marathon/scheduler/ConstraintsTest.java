package io.strata.marathon.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.marathon.model.Constraint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConstraintsTest {
    static Constraints.Placement at(String host, String rack) {
        return new Constraints.Placement(host, rack == null ? Map.of() : Map.of("rack", rack));
    }

    static boolean ok(String field, String op, String value, Constraints.Placement candidate, Constraints.Placement... placed) {
        return Constraints.meets(new Constraint(field, op, value), candidate, List.of(placed));
    }

    @Test
    void unique() {
        assertThat(ok("hostname", "UNIQUE", null, at("a", "r1"))).isTrue();
        assertThat(ok("hostname", "UNIQUE", null, at("a", "r1"), at("a", "r2"))).isFalse();
        assertThat(ok("rack", "UNIQUE", null, at("b", "r1"), at("a", "r2"))).isTrue();
        assertThat(ok("rack", "UNIQUE", null, at("b", null))).as("missing attribute").isFalse();
    }

    @Test
    void cluster() {
        assertThat(ok("rack", "CLUSTER", "r1", at("a", "r1"))).isTrue();
        assertThat(ok("rack", "CLUSTER", "r1", at("a", "r2"))).isFalse();
        assertThat(ok("rack", "CLUSTER", null, at("a", "r2"))).isTrue();
        assertThat(ok("rack", "CLUSTER", null, at("a", "r2"), at("b", "r1"))).isFalse();
    }

    @Test
    void groupBy() {
        assertThat(ok("rack", "GROUP_BY", null, at("a", "r1"), at("b", "r1"))).isTrue();
        assertThat(ok("rack", "GROUP_BY", null, at("a", "r2"), at("b", "r1"))).as("new value").isTrue();
        assertThat(ok("rack", "GROUP_BY", null, at("x", "r1"), at("a", "r1"), at("b", "r1"), at("c", "r2"))).isFalse();
        assertThat(ok("rack", "GROUP_BY", null, at("x", "r2"), at("a", "r1"), at("b", "r1"), at("c", "r2"))).isTrue();
        assertThat(ok("rack", "GROUP_BY", "3", at("x", "r1"), at("b", "r1"), at("c", "r2"))).as("only 2 of 3 racks seen").isFalse();
        assertThat(ok("rack", "GROUP_BY", "3", at("x", "r3"), at("b", "r1"), at("c", "r2"))).isTrue();
    }

    @Test
    void likeUnlikeMaxPerIs() {
        assertThat(ok("hostname", "LIKE", "web-.*", at("web-1", null))).isTrue();
        assertThat(ok("hostname", "LIKE", "web", at("web-1", null))).as("whole value").isFalse();
        assertThat(ok("hostname", "UNLIKE", "db-.*", at("web-1", null))).isTrue();
        assertThat(ok("rack", "MAX_PER", "2", at("a", "r1"), at("b", "r1"))).isTrue();
        assertThat(ok("rack", "MAX_PER", "2", at("a", "r1"), at("b", "r1"), at("c", "r1"))).isFalse();
        assertThat(ok("rack", "IS", "r1", at("a", "r1"))).isTrue();
        assertThat(ok("rack", "IS", "r1", at("a", "r10"))).isFalse();
    }
}
