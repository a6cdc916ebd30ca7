package io.strata.lb.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** The load balancer's Prometheus metrics ({@code strata_lb_*}). */
public final class SyncMetrics {
    private final MeterRegistry registry;
    final Timer sync;
    final Timer render;
    final Timer check;
    final Timer reload;
    final AtomicLong apps = new AtomicLong();
    final AtomicLong servers = new AtomicLong();
    final AtomicLong skipped = new AtomicLong();
    final AtomicLong lastSuccess = new AtomicLong();

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
        sync = Timer.builder("strata_lb_sync").description("fetch Marathon's apps, render, check and reload").register(registry);
        render = Timer.builder("strata_lb_render").description("building services and rendering haproxy.cfg").register(registry);
        check = Timer.builder("strata_lb_check").description("haproxy -c").register(registry);
        reload = Timer.builder("strata_lb_reload").description("HAProxy reload until the new worker runs").register(registry);
        Gauge.builder("strata_lb_apps", apps, AtomicLong::get).description("apps in haproxy.cfg").register(registry);
        Gauge.builder("strata_lb_servers", servers, AtomicLong::get).description("backend servers in haproxy.cfg").register(registry);
        Gauge.builder("strata_lb_skipped_apps", skipped, AtomicLong::get).description("apps left out (bad labels, ports in use, rejected by haproxy -c)").register(registry);
        Gauge.builder("strata_lb_last_success_seconds", lastSuccess, AtomicLong::get)
                .description("Unix time of the last sync that left HAProxy serving Marathon's state").register(registry);
    }

    void syncResult(String result) {
        Counter.builder("strata_lb_syncs").tag("result", result).register(registry).increment();
    }

    void reloadResult(String result) {
        Counter.builder("strata_lb_reloads").tag("result", result).register(registry).increment();
    }

    public void event(String type) {
        Counter.builder("strata_lb_marathon_events").tag("type", type).register(registry).increment();
    }

    static void record(Timer t, long startNanos) {
        t.record(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
