package io.strata.gateway.services;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * One value fetched from an upstream and kept for a while. Concurrent readers that find it stale share one
 * fetch. When a fetch fails, a copy no older than {@code staleLimit} is served instead (an upstream restarting
 * does not make every /service/ request fail); with nothing usable the failure is thrown.
 */
final class Cached<T> {
    interface Fetch<T> {
        T fetch() throws Exception;
    }

    private final Fetch<T> fetch;
    private final Duration staleLimit;
    private final LongSupplier nanos;
    private T value;
    private long fetchedAt;
    private boolean present;

    Cached(Fetch<T> fetch, Duration staleLimit, LongSupplier nanos) {
        this.fetch = fetch;
        this.staleLimit = staleLimit;
        this.nanos = nanos;
    }

    /** The value, fetched again when older than {@code maxAge}. */
    synchronized T get(Duration maxAge) throws Exception {
        long now = nanos.getAsLong();
        if (present && now - fetchedAt <= maxAge.toNanos()) return value;
        try {
            value = fetch.fetch();
            fetchedAt = nanos.getAsLong();
            present = true;
            return value;
        } catch (Exception e) {
            if (present && now - fetchedAt <= staleLimit.toNanos()) return value;
            throw e;
        }
    }

    synchronized Duration age() {
        return present ? Duration.ofNanos(nanos.getAsLong() - fetchedAt) : Duration.ofDays(1);
    }
}
