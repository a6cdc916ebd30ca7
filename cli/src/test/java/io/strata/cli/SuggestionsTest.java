package io.strata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuggestionsTest {
    @Test
    void closeNamesOnly() {
        assertThat(Dcos.suggestions(List.of("lst"), Set.of("list", "stop", "start", "restart"))).containsExactly("list");
        assertThat(Dcos.suggestions(List.of("marathn"), Set.of("marathon", "node"))).containsExactly("marathon");
        assertThat(Dcos.suggestions(List.of("zzzzzz"), Set.of("list"))).isEmpty();
        assertThat(Dcos.distance("kitten", "sitting")).isEqualTo(3);
    }
}
