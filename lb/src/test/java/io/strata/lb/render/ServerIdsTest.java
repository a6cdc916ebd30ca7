package io.strata.lb.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerIdsTest {
    @Test
    void idsAreStableUniqueAndInRange() {
        Set<Integer> a = new HashSet<>();
        Set<Integer> b = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            int x = ServerIds.next("10_0_0_" + (i % 250) + "_" + (31000 + i), a);
            int y = ServerIds.next("10_0_0_" + (i % 250) + "_" + (31000 + i), b);
            assertThat(x).isEqualTo(y).isBetween(1, 32_766);
        }
        assertThat(a).hasSize(5000);
    }

    @Test
    void cookieIsTenHexDigits() {
        assertThat(ServerIds.cookie("127_0_0_1_31000")).matches("[0-9a-f]{10}");
    }
}
