package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
            "15secs, 15000", "5mins, 300000", "100ms, 100", "2hrs, 7200000", "1days, 86400000", "1weeks, 604800000",
            "15, 15000", "0.5secs, 500", "1.5, 1500", "15s, 15000", "1min, 60000", "2h, 7200000", "10 secs, 10000",
            "0, 0", "250us, 0", "3SECS, 3000"})
    void parsesMesosForms(String text, long millis) {
        assertThat(Durations.parse(text).toMillis()).isEqualTo(millis);
    }

    @Test
    void keepsSubMillisecondPrecision() {
        assertThat(Durations.parse("250us")).isEqualTo(Duration.ofNanos(250_000));
        assertThat(Durations.parse("7ns")).isEqualTo(Duration.ofNanos(7));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "secs", "abc", "-5secs", "5 fortnights", "1e3", "5secs3"})
    void rejectsOtherTextWithAnExample(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15secs");
    }

    @Test
    void formatsTheMesosWay() {
        assertThat(Durations.format(Duration.ofSeconds(15))).isEqualTo("15secs");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5mins");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2hrs");
        assertThat(Durations.format(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0secs");
    }
}
