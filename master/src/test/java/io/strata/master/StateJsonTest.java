package io.strata.master;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StateJsonTest {
    @Test
    void durationsArePrintedAsMesosPrintsThem() {
        assertThat(StateJson.mesosDuration(Duration.ofSeconds(15))).isEqualTo("15secs");
        assertThat(StateJson.mesosDuration(Duration.ofSeconds(1))).isEqualTo("1secs");
        assertThat(StateJson.mesosDuration(Duration.ofMillis(1500))).isEqualTo("1.5secs");
        assertThat(StateJson.mesosDuration(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(StateJson.mesosDuration(Duration.ofMinutes(2))).isEqualTo("2mins");
        assertThat(StateJson.mesosDuration(Duration.ofHours(3))).isEqualTo("3hrs");
        assertThat(StateJson.mesosDuration(Duration.ZERO)).isEqualTo("0ns");
    }
}
