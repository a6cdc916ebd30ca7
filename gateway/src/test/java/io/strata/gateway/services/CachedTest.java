package io.strata.gateway.services;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedTest {
    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile boolean failing;
    private final Cached<Integer> cached = new Cached<>(() -> {
        if (failing) throw new IOException("upstream down");
        return fetches.incrementAndGet();
    }, Duration.ofSeconds(60), now::get);

    @Test
    void keptForItsAgeThenFetchedAgain() throws Exception {
        assertThat(cached.get(Duration.ofSeconds(5))).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(4).toNanos());
        assertThat(cached.get(Duration.ofSeconds(5))).isEqualTo(1);
        assertThat(cached.get(Duration.ZERO)).isEqualTo(2);
        assertThat(cached.age()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aFailingUpstreamIsCoveredByAStaleCopyForAWhile() throws Exception {
        assertThatThrownBy(() -> {
            failing = true;
            cached.get(Duration.ZERO);
        }).hasMessage("upstream down");
        failing = false;
        assertThat(cached.get(Duration.ZERO)).isEqualTo(1);
        failing = true;
        now.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(cached.get(Duration.ZERO)).isEqualTo(1);
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThatThrownBy(() -> cached.get(Duration.ZERO)).hasMessage("upstream down");
    }
}
