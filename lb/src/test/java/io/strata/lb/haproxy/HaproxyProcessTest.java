package io.strata.lb.haproxy;

import static io.strata.lb.support.Apps.app;
import static io.strata.lb.support.Apps.labels;
import static io.strata.lb.support.Apps.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.render.ConfigRenderer;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.RenderedConfig;
import io.strata.lb.render.Templates;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.support.Backends;
import io.strata.lb.support.FreePorts;
import io.strata.lb.support.HaproxyCheck;
import io.strata.lb.support.LoadGenerator;
import io.strata.lb.support.RawHttp;
import io.strata.lb.sync.ConfigFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real HAProxy in master-worker mode: start, hitless reloads under load, a failed reload, stop. */
class HaproxyProcessTest {
    @TempDir Path dir;
    HttpServer a;
    HttpServer b;
    HaproxyProcess haproxy;
    RenderSettings settings;
    ConfigFiles files;
    int servicePort;

    @BeforeEach
    void setUp() throws IOException {
        Assumptions.assumeTrue(HaproxyCheck.available(), "HAProxy is not installed");
        a = Backends.start("A");
        b = Backends.start("B");
        int[] ports = FreePorts.some(5);
        servicePort = ports[4];
        settings = new RenderSettings(List.of("external"), true, List.of(), false, dir.toString(), "127.0.0.1", ports[0], ports[1],
                ports[2], ports[3], 0, dir.resolve("run/haproxy.sock").toString(), dir.resolve("run/haproxy.state").toString(),
                "127.0.0.1", 1, null, RenderSettings.DEFAULT_OPTIONS,
                RenderSettings.maxconnForOpenFilesLimit(RenderSettings.openFilesHardLimit()));
        files = new ConfigFiles(dir.resolve("haproxy.cfg"), 3);
    }

    @AfterEach
    void tearDown() {
        if (haproxy != null) haproxy.close(Duration.ofSeconds(2));
        if (a != null) a.stop(0);
        if (b != null) b.stop(0);
    }

    private RenderedConfig config(HttpServer... servers) {
        var tasks = java.util.Arrays.stream(servers).map(s -> task("t" + s.getAddress().getPort(), s.getAddress().getPort()))
                .toArray(io.strata.lb.marathon.MarathonTask[]::new);
        MarathonApp app = app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_MODE", "http", "HAPROXY_0_VHOST", "web.example.com"),
                List.of(servicePort), tasks);
        var built = ServiceBuilder.build(List.of(app), ServiceBuilder.Options.defaults(), Function.identity(), ServiceBuilder.HealthMemory.NONE);
        return ConfigRenderer.render(built.services(), settings, Templates.defaults());
    }

    private void install(RenderedConfig cfg) throws IOException {
        ConfigChecker.Result r = new ConfigChecker("haproxy").check(files.stage(cfg));
        assertThat(r.valid()).as(r.output()).isTrue();
        files.install(cfg);
    }

    private void startHaproxy(RenderedConfig cfg) throws IOException {
        install(cfg);
        haproxy = HaproxyProcess.start("haproxy", files.config(), dir.resolve("run"), dir.resolve("run/haproxy.sock"),
                dir.resolve("run/haproxy.state"), Duration.ofSeconds(20));
    }

    private String body(int port, String host) throws IOException {
        return RawHttp.get(port, host, "/").body().strip();
    }

    @Test
    void servesReloadsWithoutDroppingARequestAndStops() throws Exception {
        startHaproxy(config(a));
        assertThat(body(servicePort, "anything")).isEqualTo("A");
        assertThat(body(settings.httpPort(), "web.example.com")).isEqualTo("A");
        assertThat(RawHttp.get(settings.httpPort(), "other.example.com", "/").status()).isEqualTo(503);
        assertThat(RawHttp.get(settings.statsPort(), "lb", "/_haproxy_health_check").status()).isEqualTo(200);
        assertThat(RawHttp.get(settings.statsPort(), "lb", "/haproxy?stats;csv").body()).contains("web_" + servicePort);
        assertThat(RawHttp.get(settings.statsPort(), "lb", "/metrics").body()).contains("haproxy_process");
        assertThat(haproxy.pids()).hasSizeGreaterThanOrEqualTo(2);

        try (LoadGenerator load = new LoadGenerator(servicePort, "web.example.com", "/", 4, 100, Duration.ofSeconds(60)).start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > 50);
            for (int i = 0; i < 20; i++) {
                install(i % 2 == 0 ? config(b) : config(a, b));
                haproxy.reload();
                long before = load.ok();
                await().atMost(Duration.ofSeconds(10)).until(() -> load.ok() > before + 10);
            }
            load.stop();
            assertThat(load.failed()).as(load.toString()).isZero();
            assertThat(load.bodies().keySet()).contains("A", "B");
        }
        assertThat(haproxy.runtime("show servers state")).contains("web_" + servicePort);

        long pid = haproxy.pid();
        haproxy.close(Duration.ofSeconds(5));
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> FreePorts.isFree(servicePort));
        haproxy = null;
    }

    @Test
    void aReloadThatCannotBindIsReportedAndTheOldConfigurationKeepsServing() throws Exception {
        startHaproxy(config(a));
        try (ServerSocket squatter = new ServerSocket()) {
            int taken = FreePorts.some(1)[0];
            squatter.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), taken));
            MarathonApp second = app("/squatted", labels("HAPROXY_GROUP", "external"), List.of(taken), task("s", a.getAddress().getPort()));
            MarathonApp first = app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_MODE", "http"), List.of(servicePort),
                    task("t", b.getAddress().getPort()));
            var built = ServiceBuilder.build(List.of(first, second), ServiceBuilder.Options.defaults(), Function.identity(),
                    ServiceBuilder.HealthMemory.NONE);
            install(ConfigRenderer.render(built.services(), settings, Templates.defaults()));
            assertThatThrownBy(() -> haproxy.reload()).isInstanceOf(IOException.class).hasMessageContaining("old one is still served");
        }
        assertThat(body(servicePort, "x")).isEqualTo("A");
        install(config(b));
        haproxy.reload();
        assertThat(body(servicePort, "x")).isEqualTo("B");
    }

    @Test
    void httpsVirtualHostsBySniAndRedirectsFromHttp() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Assumptions.assumeTrue(io.strata.lb.support.CertFiles.selfSigned(cert, "secure.test"), "openssl is not installed");
        settings = settings.withSslCerts(List.of(cert.toString()));
        MarathonApp secure = app("/secure", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "secure.test",
                "HAPROXY_0_REDIRECT_TO_HTTPS", "true", "HAPROXY_0_USE_HSTS", "true"), List.of(servicePort), task("s", a.getAddress().getPort()));
        var built = ServiceBuilder.build(List.of(secure), ServiceBuilder.Options.defaults(), Function.identity(), ServiceBuilder.HealthMemory.NONE);
        startHaproxy(ConfigRenderer.render(built.services(), settings, Templates.defaults()));

        RawHttp.Response redirect = RawHttp.get(settings.httpPort(), "secure.test", "/page?x=1");
        assertThat(redirect.status()).isEqualTo(301);
        assertThat(redirect.header("location")).isEqualTo("https://secure.test/page?x=1");
        RawHttp.Response tls = io.strata.lb.support.Tls.get(settings.httpsPort(), "secure.test", "/");
        assertThat(tls.status()).isEqualTo(200);
        assertThat(tls.body().strip()).isEqualTo("A");
        assertThat(tls.header("strict-transport-security")).isEqualTo("max-age=15768000");
        assertThat(io.strata.lb.support.Tls.get(settings.httpsPort(), "other.test", "/").status()).isEqualTo(503);
    }

    @Test
    void restartsHaproxyWhenItDies() throws Exception {
        startHaproxy(config(a));
        long pid = haproxy.pid();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> haproxy.pid() != pid && body(servicePort, "x").equals("A"));
    }
}
