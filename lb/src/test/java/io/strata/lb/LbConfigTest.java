package io.strata.lb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LbConfigTest {
    @TempDir Path dir;

    private static LbConfig parse(Map<String, String> env, String... args) {
        LbConfig.Flags flags = new LbConfig.Flags();
        new CommandLine(flags).parseArgs(args);
        return flags.toConfig(env);
    }

    @Test
    void marathonLbCommandLine() {
        LbConfig c = parse(Map.of(), "--marathon", "http://m1:8080", "http://m2:8080", "--group", "external", "--group", "internal",
                "--strict-mode", "--sse", "--health-check", "--haproxy-map", "--dont-bind-http-https", "--ssl-certs", "/a.pem,/b.pem",
                "--haproxy-config", dir.resolve("haproxy.cfg").toString(), "--skip-validation", "--max-backoff", "30",
                "--auth-credentials", "u:p", "--bind-address", "*", "--stats-port", "19090", "--appid-frontend-port", "0",
                "--service-port-offset", "1000", "--syslog-socket", "/dev/null", "--log-level", "INFO");
        assertThat(c.marathons()).extracting(Object::toString).containsExactly("http://m1:8080", "http://m2:8080");
        assertThat(c.groups()).containsExactly("external", "internal");
        assertThat(c.strictMode()).isTrue();
        assertThat(c.sse()).isTrue();
        assertThat(c.healthCheck()).isTrue();
        assertThat(c.haproxyMap()).isTrue();
        assertThat(c.bindHttpHttps()).isFalse();
        assertThat(c.sslCerts()).containsExactly("/a.pem", "/b.pem");
        assertThat(c.https()).isFalse();
        assertThat(c.skipValidation()).isTrue();
        assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.credentials()).isEqualTo("u:p");
        assertThat(c.runDir()).isEqualTo(dir.resolve("run"));
        assertThat(c.renderSettings(9089).bindAddr()).isEqualTo("*");
        assertThat(c.statsPort()).isEqualTo(19090);
        assertThat(c.appIdPort()).isZero();
        assertThat(c.servicePortOffset()).isEqualTo(1000);
    }

    @Test
    void marathonLbDefaultsWithStrataBindAddress() {
        LbConfig c = parse(Map.of(), "-m", "127.0.0.1:8080", "--group", "external");
        assertThat(c.haproxyConfig()).isEqualTo(Path.of("/etc/haproxy/haproxy.cfg"));
        assertThat(c.bindAddress()).isEqualTo("127.0.0.1");
        assertThat(List.of(c.httpPort(), c.httpsPort(), c.statsPort(), c.appIdPort(), c.apiPort())).containsExactly(80, 443, 9090, 9091, 9089);
        assertThat(c.sse()).isFalse();
        assertThat(c.healthCheck()).isFalse();
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.archiveVersions()).isEqualTo(5);
        assertThat(c.ipPerTaskPortMin()).isEqualTo(10050);
        assertThat(c.defaultOptions()).containsExactly("redispatch", "http-server-close", "dontlognull");
    }

    @Test
    void templatesFromTheEnvironmentAndTheTemplatesDirectory() throws Exception {
        Path templates = Files.createDirectories(dir.resolve("templates"));
        Files.writeString(templates.resolve("HAPROXY_BACKEND_HEAD"), "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n");
        Files.writeString(templates.resolve("HAPROXY_FRONTEND_HEAD"), "from file");
        LbConfig c = parse(Map.of("HAPROXY_FRONTEND_HEAD", "\\nfrontend {backend}\\n  bind {bindAddr}:{servicePort}\\n  mode {mode}\\n",
                        "HAPROXY_GLOBAL_DEFAULT_OPTIONS", "redispatch, httplog", "FRAMEWORK_NAME", "marathon-lb"),
                "-m", "http://m:8080", "--group", "*", "--templates-dir", templates.toString());
        assertThat(c.templates()).containsEntry("HAPROXY_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n")
                .containsEntry("HAPROXY_FRONTEND_HEAD", "\nfrontend {backend}\n  bind {bindAddr}:{servicePort}\n  mode {mode}\n");
        assertThat(c.defaultOptions()).containsExactly("redispatch", "httplog");
        assertThat(c.ignoredAppId()).isEqualTo("/marathon-lb");
    }

    @Test
    void requiredAndInvalidFlags() {
        assertThatThrownBy(() -> LbConfig.parse("--group", "external")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--marathon");
        assertThatThrownBy(() -> LbConfig.parse("-m", "http://m:8080")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--group");
        assertThatThrownBy(() -> parse(Map.of(), "-m", "http://m:8080", "--group", "x", "--stats-port", "0"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--stats-port");
        assertThatThrownBy(() -> parse(Map.of(), "-m", "http://m:8080", "--group", "x", "--group-https-by-vhost"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not supported");
    }

    @Test
    void sslCertsNoneMeansNoHttpsFrontend() {
        assertThat(parse(Map.of(), "-m", "http://m:8080", "--group", "x", "--ssl-certs", "none").sslCerts()).isEmpty();
        assertThat(parse(Map.of(), "-m", "http://m:8080", "--group", "x", "--ssl-certs", "").sslCerts()).isEmpty();
        assertThat(parse(Map.of(), "-m", "http://m:8080", "--group", "x", "--ssl-certs", "/a.pem").sslCerts()).containsExactly("/a.pem");
    }
}
