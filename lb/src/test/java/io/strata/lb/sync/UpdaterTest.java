package io.strata.lb.sync;

import static io.strata.lb.support.Apps.app;
import static io.strata.lb.support.Apps.labels;
import static io.strata.lb.support.Apps.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.strata.lb.haproxy.ConfigChecker;
import io.strata.lb.haproxy.Haproxy;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.Templates;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.services.Skipped;
import io.strata.lb.support.FreePorts;
import io.strata.lb.support.HaproxyCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sync loop with a scripted Marathon and HAProxy stand-in, and the real {@code haproxy -c}. */
class UpdaterTest {
    @TempDir Path dir;
    final AtomicInteger fetches = new AtomicInteger();
    final AtomicInteger reloads = new AtomicInteger();
    final AtomicInteger failReloads = new AtomicInteger();
    volatile List<MarathonApp> apps = List.of();
    volatile CountDownLatch gate;
    final List<String> runtime = java.util.Collections.synchronizedList(new ArrayList<>());
    Updater updater;

    final Haproxy haproxy = new Haproxy() {
        @Override
        public void reload() throws IOException {
            if (failReloads.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new IOException("scripted reload failure");
            reloads.incrementAndGet();
        }

        @Override
        public List<Long> pids() {
            return List.of(1L, 2L);
        }

        @Override
        public String runtime(String command) {
            runtime.add(command);
            return command.startsWith("add server") ? "New server registered.\n" : "";
        }

        @Override
        public void close() {}
    };

    @BeforeEach
    void check() {
        Assumptions.assumeTrue(HaproxyCheck.available(), "HAProxy is not installed");
    }

    @AfterEach
    void stop() {
        if (updater != null) updater.close();
    }

    private Updater updater(RenderSettings settings, boolean probePorts) {
        return updater(settings, probePorts, Duration.ofMinutes(5));
    }

    private Updater updater(RenderSettings settings, boolean probePorts, Duration resync) {
        Updater.AppSource source = () -> {
            fetches.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }
            return apps;
        };
        updater = new Updater(source, ServiceBuilder.Options.defaults(), settings, Templates.defaults(), Function.identity(),
                ServiceBuilder.HealthMemory.NONE, new ConfigFiles(dir.resolve("haproxy.cfg"), 2), new ConfigChecker("haproxy"),
                haproxy, new Updater.Settings(true, true, probePorts, Duration.ofMillis(50), resync, 2,
                Duration.ofMillis(100)), new SyncMetrics(new SimpleMeterRegistry()));
        return updater;
    }

    private RenderSettings settings() {
        int[] p = FreePorts.some(4);
        return RenderSettings.defaults(dir.toString()).withPorts(p[0], p[1], p[2], p[3], 0);
    }

    private static MarathonApp web(String id, int port) {
        return app(id, labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", id.substring(1) + ".test"), List.of(port), task(id + ".1", 31000));
    }

    @Test
    void aBurstOfRequestsBecomesOneSync() {
        apps = List.of(web("/a", 10000));
        updater(settings(), false).start();
        gate = new CountDownLatch(1);
        updater.requestSync("first");
        await().atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 1);
        for (int i = 0; i < 100; i++) updater.requestSync("burst " + i);
        gate.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() == 2);
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> fetches.get() == 2);
        assertThat(reloads.get()).isEqualTo(1); // the second sync found nothing new
    }

    @Test
    void withoutEventsMarathonIsPolled() {
        apps = List.of(web("/a", 10000));
        updater(settings(), false, Duration.ofMillis(200)).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() >= 3);
        apps = List.of(web("/a", 10000), web("/b", 10001));
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 2);
    }

    @Test
    void onlyChangesReloadAndTheConfigurationIsOnDisk() throws Exception {
        apps = List.of(web("/a", 10000));
        updater(settings(), false);
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(updater.syncOnce()).isEqualTo("unchanged");
        apps = List.of(web("/a", 10000), web("/b", 10001));
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(reloads.get()).isEqualTo(2);
        assertThat(Files.readString(dir.resolve("haproxy.cfg"))).contains("backend b_10001");
        assertThat(Files.readString(dir.resolve("haproxy.cfg.1"))).doesNotContain("backend b_10001");
        assertThat(updater.state().config().apps()).containsExactlyInAnyOrder("/a", "/b");
    }

    @Test
    void anAppHaproxyRejectsIsLeftOutByItsLines() throws Exception {
        MarathonApp bogus = app("/bogus", labels("HAPROXY_GROUP", "external",
                "HAPROXY_0_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n  no-such-keyword on\n"),
                List.of(10002), task("b.1", 31001));
        apps = List.of(web("/a", 10000), bogus, web("/c", 10003));
        updater(settings(), false);
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(updater.state().config().apps()).containsExactlyInAnyOrder("/a", "/c");
        assertThat(updater.state().skipped()).singleElement().satisfies(s -> {
            assertThat(s.appId()).isEqualTo("/bogus");
            assertThat(s.reason()).contains("haproxy -c").contains("no-such-keyword");
        });
        assertThat(Files.readString(dir.resolve("haproxy.cfg.failed"))).contains("no-such-keyword");
        // the same apps again: the known outcome, no new reload
        assertThat(updater.syncOnce()).isEqualTo("unchanged");
        assertThat(reloads.get()).isEqualTo(1);
    }

    @Test
    void anAppBrokenInASharedSectionIsFoundByBisection() {
        MarathonApp broken = app("/broken", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "broken.test",
                "HAPROXY_0_HTTP_FRONTEND_ACL", "  use_backend no_such_backend\n"), List.of(10004), task("x.1", 31002));
        List<MarathonApp> many = new ArrayList<>();
        for (int i = 0; i < 12; i++) many.add(web("/app" + i, 10010 + i));
        many.add(5, broken);
        apps = many;
        updater(settings(), false);
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(updater.state().config().apps()).hasSize(12).doesNotContain("/broken");
        assertThat(updater.state().skipped()).extracting(Skipped::appId).containsExactly("/broken");
    }

    @Test
    void aConfigurationInvalidWithoutAppsKeepsTheServedOne() {
        apps = List.of(web("/a", 10000));
        updater(settings().withSslCerts(List.of(dir.resolve("missing.pem").toString())), false);
        assertThat(updater.syncOnce()).isEqualTo("failed");
        assertThat(reloads.get()).isZero();
        assertThat(updater.state().lastError()).contains("haproxy -c");
    }

    @Test
    void aServicePortAnotherProcessHoldsSkipsItsApp() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            int taken = squatter.getLocalPort();
            int free = FreePorts.some(1)[0];
            apps = List.of(web("/squatted", taken), web("/fine", free));
            updater(settings(), true);
            assertThat(updater.syncOnce()).isEqualTo("changed");
            assertThat(updater.state().config().apps()).containsExactly("/fine");
            assertThat(updater.state().skipped()).singleElement()
                    .satisfies(s -> assertThat(s.reason()).contains("in use by another process"));
        }
    }

    @Test
    void runtimeApiAddsRunningTasksAtOnceDrainsDyingOnesAndRedoesThemAfterAReload() {
        apps = List.of(web("/a", 10000));
        updater(settings(), false);
        assertThat(updater.syncOnce()).isEqualTo("changed");

        updater.taskRunning("/a", "a.2", "127.0.0.1", List.of(), List.of(31005));
        assertThat(runtime).containsExactly("add server a_10000/127_0_0_1_31005 127.0.0.1:31005", "enable server a_10000/127_0_0_1_31005");
        runtime.clear();
        updater.taskGone("a.1", "127.0.0.1", List.of(31000));
        assertThat(runtime).containsExactly("set server a_10000/127_0_0_1_31000 state maint");
        runtime.clear();
        updater.taskRunning("/unknown", "u.1", "127.0.0.1", List.of(), List.of(31006));
        assertThat(runtime).isEmpty(); // not served: the next sync decides

        // the next sync sees what happened: the new task in, the dead one out; nothing to redo
        MarathonApp now = app("/a", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "a.test"), List.of(10000), task("a.2", 31005));
        apps = List.of(now);
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(runtime).isEmpty();

        // Marathon still lists a dying task as running: it stays in maintenance
        updater.taskGone("a.2", "127.0.0.1", List.of(31005));
        runtime.clear();
        apps = List.of(app("/a", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "a.test"), List.of(10000),
                task("a.2", 31005), task("a.5", 31008)));
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(runtime).isEmpty();

        // a task killed, and a new one on the same host and port by the next sync: it must not inherit the maintenance
        runtime.clear();
        apps = List.of(app("/a", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "a.test"), List.of(10000),
                task("a.4", 31005), task("a.3", 31007)));
        assertThat(updater.syncOnce()).isEqualTo("changed");
        assertThat(runtime).containsExactly("set server a_10000/127_0_0_1_31005 state ready");
    }

    @Test
    void aFailedReloadIsRetried() {
        apps = List.of(web("/a", 10000));
        failReloads.set(1);
        updater(settings(), false).start();
        updater.requestSync("test");
        await().atMost(Duration.ofSeconds(10)).until(() -> reloads.get() == 1);
        assertThat(updater.state().config().apps()).containsExactly("/a");
    }
}
