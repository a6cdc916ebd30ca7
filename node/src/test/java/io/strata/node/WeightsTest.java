package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WeightsTest {
    @Test
    void parsesRoleWeightPairs() {
        assertThat(Weights.parse("r1=2,r2=1")).containsExactly(
                java.util.Map.entry("r1", 2.0), java.util.Map.entry("r2", 1.0));
        assertThat(Weights.parse(" a = 1.5 , b=0.25,")).containsEntry("a", 1.5).containsEntry("b", 0.25);
    }

    @Test
    void emptyMeansNoWeights() {
        assertThat(Weights.parse(null)).isEmpty();
        assertThat(Weights.parse(" ")).isEmpty();
    }

    @Test
    void rejectsMalformedOrNonPositiveWeights() {
        assertThatThrownBy(() -> Weights.parse("r1")).hasMessageContaining("role=weight");
        assertThatThrownBy(() -> Weights.parse("r1=")).hasMessageContaining("role=weight");
        assertThatThrownBy(() -> Weights.parse("r1=x")).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Weights.parse("r1=0")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Weights.parse("r1=-1")).hasMessageContaining("positive");
        assertThatThrownBy(() -> Weights.parse("r1=1,r1=2")).hasMessageContaining("twice");
    }
}
