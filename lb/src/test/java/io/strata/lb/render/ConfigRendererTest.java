package io.strata.lb.render;

import static io.strata.lb.support.Apps.app;
import static io.strata.lb.support.Apps.http;
import static io.strata.lb.support.Apps.labels;
import static io.strata.lb.support.Apps.task;
import static io.strata.lb.support.Apps.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.strata.lb.marathon.HealthCheck;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.marathon.MarathonTask;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.services.Skipped;
import io.strata.lb.support.Apps;
import io.strata.lb.support.CertFiles;
import io.strata.lb.support.HaproxyCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels → haproxy.cfg, checked with the real {@code haproxy -c} where HAProxy is installed. */
class ConfigRendererTest {
    @TempDir Path dir;
    RenderSettings settings;

    @BeforeEach
    void setUp() {
        settings = RenderSettings.defaults(dir.toString());
    }

    private RenderedConfig render(RenderSettings s, ServiceBuilder.Options o, MarathonApp... apps) {
        ServiceBuilder.Result built = ServiceBuilder.build(List.of(apps), o, Function.identity(), ServiceBuilder.HealthMemory.NONE);
        return ConfigRenderer.render(built.services(), s, Templates.defaults(), built.skipped());
    }

    private RenderedConfig render(MarathonApp... apps) {
        return render(settings, ServiceBuilder.Options.defaults(), apps);
    }

    private RenderedConfig valid(RenderedConfig cfg) throws Exception {
        if (HaproxyCheck.available()) {
            Files.writeString(dir.resolve("domain2backend.map"), cfg.domainMap());
            Files.writeString(dir.resolve("app2backend.map"), cfg.appMap());
            assertThat(HaproxyCheck.check(dir, cfg.text())).as("haproxy -c on\n%s", cfg.text()).isNull();
        }
        return cfg;
    }

    /** The lines of the section that starts with {@code header}, up to the next blank line. */
    private static List<String> section(String cfg, String header) {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : cfg.split("\n")) {
            if (line.equals(header)) in = true;
            else if (in && line.isBlank()) break;
            if (in) out.add(line.strip());
        }
        return out;
    }

    @Test
    void tcpServiceGetsAFrontendOnItsServicePortAndABackendOfItsTasks() throws Exception {
        RenderedConfig cfg = valid(render(app("/db/postgres", labels("HAPROXY_GROUP", "external"), List.of(10001),
                task("t1", 31001), task("t2", 31002))));
        assertThat(section(cfg.text(), "frontend db_postgres_10001"))
                .containsExactly("frontend db_postgres_10001", "bind 127.0.0.1:10001", "mode tcp", "use_backend db_postgres_10001");
        List<String> backend = section(cfg.text(), "backend db_postgres_10001");
        assertThat(backend).contains("balance roundrobin", "mode tcp");
        assertThat(backend).anyMatch(l -> l.matches("server 127_0_0_1_31001 127\\.0\\.0\\.1:31001 id \\d+"))
                .anyMatch(l -> l.matches("server 127_0_0_1_31002 127\\.0\\.0\\.1:31002 id \\d+"));
        assertThat(cfg.apps()).containsExactly("/db/postgres");
        assertThat(cfg.servers()).isEqualTo(2);
        assertThat(section(cfg.text(), "frontend marathon_http_in")).hasSize(3); // no virtual hosts: head only
    }

    @Test
    void vhostMakesAnHttpServiceRoutedByHostOnTheVirtualHostAndAppIdFrontends() throws Exception {
        RenderedConfig cfg = valid(render(app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "Web.Example.com"),
                List.of(10000), task("t1", 31000))));
        assertThat(section(cfg.text(), "frontend marathon_http_in")).containsExactly("frontend marathon_http_in",
                "bind 127.0.0.1:80", "mode http",
                "acl host_web_example_com_web req.hdr(host),regsub(:[0-9]+$,) -i web.example.com",
                "use_backend web_10000 if host_web_example_com_web");
        assertThat(section(cfg.text(), "frontend marathon_http_appid_in")).contains(
                "acl app__web hdr(x-marathon-app-id) -i /web", "use_backend web_10000 if app__web");
        assertThat(section(cfg.text(), "frontend web_10000")).contains("mode http");
        assertThat(section(cfg.text(), "backend web_10000")).contains("mode http", "option forwardfor",
                "http-request add-header X-Forwarded-Proto https if { ssl_fc }");
        assertThat(cfg.text()).doesNotContain("marathon_https_in"); // no certificates, no HTTPS frontend
    }

    @Test
    void severalVhostsShareOneRoutingRule() throws Exception {
        RenderedConfig cfg = valid(render(app("/web", labels("HAPROXY_GROUP", "external",
                "HAPROXY_0_VHOST", "a.example.com, b.example.com,c.example.com"), List.of(10000), task("t1", 31000))));
        assertThat(section(cfg.text(), "frontend marathon_http_in")).containsSubsequence(
                "acl host_a_example_com_web req.hdr(host),regsub(:[0-9]+$,) -i a.example.com",
                "acl host_a_example_com_web req.hdr(host),regsub(:[0-9]+$,) -i b.example.com",
                "acl host_a_example_com_web req.hdr(host),regsub(:[0-9]+$,) -i c.example.com",
                "use_backend web_10000 if host_a_example_com_web");
    }

    @Test
    void pathRulesComeBeforeHostOnlyRulesAndWeightsReorder() throws Exception {
        RenderedConfig cfg = valid(render(
                app("/a-site", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "shop.example.com"), List.of(10000), task("a", 31000)),
                app("/b-api", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "shop.example.com", "HAPROXY_0_PATH", "/api"),
                        List.of(10001), task("b", 31001)),
                app("/c-admin", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "shop.example.com", "HAPROXY_0_PATH", "/api/admin",
                        "HAPROXY_0_BACKEND_WEIGHT", "5"), List.of(10002), task("c", 31002))));
        List<String> http = section(cfg.text(), "frontend marathon_http_in").stream().filter(l -> l.startsWith("use_backend")).toList();
        assertThat(http).containsExactly(
                "use_backend c-admin_10002 if host_shop_example_com_c-admin path_c-admin_10002",
                "use_backend b-api_10001 if host_shop_example_com_b-api path_b-api_10001",
                "use_backend a-site_10000 if host_shop_example_com_a-site");
        assertThat(cfg.text()).contains("acl path_b-api_10001 path_beg /api\n");
    }

    @Test
    void groupsSelectWhatThisLoadBalancerServes() throws Exception {
        MarathonApp external = app("/ext", labels("HAPROXY_GROUP", "external"), List.of(10000), task("a", 31000));
        MarathonApp internal = app("/int", labels("HAPROXY_GROUP", "internal"), List.of(10001), task("b", 31001));
        MarathonApp both = app("/both", labels("HAPROXY_GROUP", "internal,external"), List.of(10002), task("c", 31002));
        MarathonApp none = app("/none", labels(), List.of(10003), task("d", 31003));
        MarathonApp perPort = app("/split", labels("HAPROXY_GROUP", "internal", "HAPROXY_0_GROUP", "external"),
                List.of(10004, 10005), task("e", 31004, 31005));
        RenderedConfig ext = valid(render(external, internal, both, none, perPort));
        assertThat(ext.apps()).containsExactlyInAnyOrder("/ext", "/both", "/split");
        assertThat(ext.text()).contains("frontend split_10004").doesNotContain("frontend split_10005");

        RenderedConfig all = valid(render(settings.withGroups(List.of("*")), ServiceBuilder.Options.defaults(),
                external, internal, both, none, perPort));
        assertThat(all.apps()).containsExactlyInAnyOrder("/ext", "/int", "/both", "/none", "/split");
        assertThat(all.text()).contains("frontend split_10005");

        RenderedConfig in = render(settings.withGroups(List.of("internal")), ServiceBuilder.Options.defaults(),
                external, internal, both, none, perPort);
        assertThat(in.apps()).containsExactlyInAnyOrder("/int", "/both", "/split");
        assertThat(in.text()).contains("frontend split_10005").doesNotContain("frontend split_10004");
    }

    @Test
    void strictModeServesOnlyEnabledPortsAndEnabledFalseTurnsAPortOff() throws Exception {
        MarathonApp on = app("/on", labels("HAPROXY_GROUP", "external", "HAPROXY_0_ENABLED", "true"), List.of(10000), task("a", 31000));
        MarathonApp off = app("/off", labels("HAPROXY_GROUP", "external"), List.of(10001), task("b", 31001));
        MarathonApp disabled = app("/disabled", labels("HAPROXY_GROUP", "external", "HAPROXY_0_ENABLED", "false"), List.of(10002), task("c", 31002));
        assertThat(render(settings, new ServiceBuilder.Options(true, false, 0, 0, null), on, off, disabled).apps()).containsExactly("/on");
        assertThat(render(on, off, disabled).apps()).containsExactlyInAnyOrder("/on", "/off");
    }

    @Test
    void portLabelMovesTheFrontendAndNamesTheBackend() throws Exception {
        RenderedConfig cfg = valid(render(app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_PORT", "18080"),
                List.of(10000), task("a", 31000))));
        assertThat(cfg.text()).contains("frontend web_18080\n  bind 127.0.0.1:18080\n").contains("backend web_18080\n")
                .doesNotContain("_10000");
    }

    @Test
    void serviceLabelsShapeFrontendAndBackend() throws Exception {
        Path cert = dir.resolve("site.pem");
        boolean haveCert = CertFiles.selfSigned(cert, "secure.example.com");
        Map<String, String> l = labels("HAPROXY_GROUP", "external", "HAPROXY_0_MODE", "HTTP", "HAPROXY_0_BALANCE", "leastconn",
                "HAPROXY_0_STICKY", "true", "HAPROXY_0_BIND_ADDR", "127.0.0.2", "HAPROXY_0_BIND_OPTIONS", "maxconn 100",
                "HAPROXY_0_USE_HSTS", "yes", "HAPROXY_0_HTTP_BACKEND_PROXYPASS_PATH", "/app",
                "HAPROXY_0_HTTP_BACKEND_REVPROXY_PATH", "/app", "HAPROXY_0_HTTP_BACKEND_REDIR", "/home",
                "HAPROXY_0_VHOST", "secure.example.com", "HAPROXY_0_BACKEND_NETWORK_ALLOWED_ACL", "10.0.0.0/8 127.0.0.1",
                "HAPROXY_1_BACKEND_NETWORK_ALLOWED_ACL", "192.168.0.0/16");
        if (haveCert) l.put("HAPROXY_0_SSL_CERT", cert.toString());
        RenderedConfig cfg = valid(render(app("/svc", l, List.of(10000, 10001), task("a", 31000, 31001), task("b", 31002, 31003))));
        assertThat(section(cfg.text(), "frontend svc_10000")).contains(
                "bind 127.0.0.2:10000" + (haveCert ? " ssl crt " + cert : "") + " maxconn 100", "mode http");
        List<String> be = section(cfg.text(), "backend svc_10000");
        assertThat(be).contains("balance leastconn", "http-response set-header Strict-Transport-Security max-age=15768000",
                "cookie mesosphere_server_id insert indirect nocache", "http-request set-header Host secure.example.com",
                "acl network_allowed src 10.0.0.0/8", "acl network_allowed src 127.0.0.1", "http-request allow if network_allowed",
                "http-request deny");
        assertThat(be).anyMatch(s -> s.startsWith("server 127_0_0_1_31000 127.0.0.1:31000 id ") && s.matches(".* check cookie [0-9a-f]{10}"));
        List<String> tcpBe = section(cfg.text(), "backend svc_10001");
        assertThat(tcpBe).contains("mode tcp", "acl network_allowed src 192.168.0.0/16", "tcp-request content accept if network_allowed",
                "tcp-request content reject");
    }

    @Test
    void redirectToHttpsAndAuthOnVirtualHosts() throws Exception {
        Path cert = dir.resolve("cert.pem");
        RenderSettings s = CertFiles.selfSigned(cert, "www.example.com") ? settings.withSslCerts(List.of(cert.toString())) : settings;
        RenderedConfig cfg = valid(render(s, ServiceBuilder.Options.defaults(),
                app("/secure", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "www.example.com", "HAPROXY_0_REDIRECT_TO_HTTPS", "true"),
                        List.of(10000), task("a", 31000)),
                app("/private", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "private.example.com",
                        "HAPROXY_0_AUTH", "Private area:admin:$6$salt$hash"), List.of(10001), task("b", 31001))));
        assertThat(section(cfg.text(), "frontend marathon_http_in")).contains(
                "redirect scheme https code 301 if !{ ssl_fc } host_www_example_com_secure",
                "acl auth_private_example_com_private http_auth(user_private_10001)",
                "http-request auth realm \"Private area\" if host_private_example_com_private !auth_private_example_com_private");
        assertThat(section(cfg.text(), "userlist user_private_10001")).contains("user admin password $6$salt$hash");
        if (s.https()) {
            assertThat(section(cfg.text(), "frontend marathon_https_in")).contains("bind 127.0.0.1:443 ssl crt " + cert,
                    "use_backend secure_10000 if { ssl_fc_sni -i www.example.com }");
        }
    }

    @Test
    void perServiceTemplateLabelsOverrideTheDefaults() throws Exception {
        RenderedConfig cfg = valid(render(app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "web.example.com",
                "HAPROXY_0_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n  timeout server 90s\n",
                "HAPROXY_0_BACKEND_HTTP_OPTIONS", "  option forwardfor\r\n  no option http-keep-alive\n",
                "HAPROXY_0_FRONTEND_HEAD", "\nfrontend {backend}\n  bind {bindAddr}:{servicePort}\n  mode {mode}\n  timeout client 90s\n",
                "HAPROXY_0_HTTP_FRONTEND_ACL", "  acl host_{cleanedUpHostname} hdr(host) -i {hostname}\n  use_backend {backend} if host_{cleanedUpHostname}\n"),
                List.of(10000), task("a", 31000))));
        assertThat(section(cfg.text(), "backend web_10000")).contains("timeout server 90s", "no option http-keep-alive")
                .doesNotContain("http-request set-header X-Forwarded-Port %[dst_port]");
        assertThat(section(cfg.text(), "frontend web_10000")).contains("timeout client 90s");
        assertThat(section(cfg.text(), "frontend marathon_http_in")).contains("acl host_web_example_com_web hdr(host) -i web.example.com");
    }

    @Test
    void globalTemplateOverridesApplyToEveryService() throws Exception {
        Templates t = Templates.of(Map.of("HAPROXY_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n  option log-health-checks\n",
                "HAPROXY_HTTP_FRONTEND_HEAD", "\nfrontend marathon_http_in\n  bind {bindAddr}:{httpPort}\n  mode http\n  http-request deny if { path_beg /admin }\n"));
        ServiceBuilder.Result built = ServiceBuilder.build(List.of(
                app("/a", labels("HAPROXY_GROUP", "external"), List.of(10000), task("a", 31000)),
                app("/b", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "b.example.com"), List.of(10001), task("b", 31001))),
                ServiceBuilder.Options.defaults(), Function.identity(), ServiceBuilder.HealthMemory.NONE);
        RenderedConfig cfg = valid(ConfigRenderer.render(built.services(), settings, t));
        assertThat(cfg.text()).contains("backend a_10000\n  balance roundrobin\n  mode tcp\n  option log-health-checks\n")
                .contains("backend b_10001\n  balance roundrobin\n  mode http\n  option log-health-checks\n")
                .contains("  http-request deny if { path_beg /admin }\n");
    }

    @Test
    void badLabelsSkipTheirAppAndEveryOtherAppIsServed() throws Exception {
        List<MarathonApp> apps = new ArrayList<>();
        apps.add(app("/good", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "good.example.com"), List.of(10000), task("g", 31000)));
        String[][] bad = {
                {"HAPROXY_0_PORT", "eighty"}, {"HAPROXY_0_PORT", "70000"}, {"HAPROXY_0_MODE", "udp"},
                {"HAPROXY_0_VHOST", "a.example.com\n  use_backend evil"}, {"HAPROXY_0_VHOST", "not a host"},
                {"HAPROXY_0_AUTH", "realm-without-user"}, {"HAPROXY_0_BACKEND_WEIGHT", "heavy"},
                {"HAPROXY_0_BALANCE", "roundrobin\nlisten evil"}, {"HAPROXY_0_BIND_ADDR", "1.2.3.4 5.6.7.8"},
                {"HAPROXY_0_BACKEND_HEAD", "\nbackend {backend}\n  balance {balancing}\n"},
                {"HAPROXY_0_FRONTEND_HEAD", "\nfrontend {backend\n"},
                {"HAPROXY_0_PATH", "/a\n/b"}, {"HAPROXY_0_BACKEND_HEALTHCHECK_PORT_INDEX", "-1"},
        };
        for (int i = 0; i < bad.length; i++) {
            apps.add(app("/bad" + i, labels("HAPROXY_GROUP", "external", bad[i][0], bad[i][1]), List.of(10100 + i), task("b" + i, 31100 + i)));
        }
        RenderedConfig cfg = valid(render(apps.toArray(MarathonApp[]::new)));
        assertThat(cfg.apps()).containsExactly("/good");
        assertThat(cfg.skipped()).extracting(Skipped::appId).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, bad.length).mapToObj(i -> "/bad" + i).toList());
        assertThat(cfg.skipped()).filteredOn(s -> s.appId().equals("/bad0")).first()
                .satisfies(s -> assertThat(s.reason()).contains("HAPROXY_0_PORT").contains("not an integer"));
        assertThat(cfg.skipped()).filteredOn(s -> s.appId().equals("/bad9")).first()
                .satisfies(s -> assertThat(s.reason()).contains("HAPROXY_0_BACKEND_HEAD").contains("{balancing}"));
        assertThat(cfg.text()).doesNotContain("evil").doesNotContain("bad");
    }

    @Test
    void aServicePortThatIsTakenSkipsTheLaterApp() throws Exception {
        RenderedConfig cfg = valid(render(
                app("/a", labels("HAPROXY_GROUP", "external"), List.of(10000), task("a", 31000)),
                app("/b", labels("HAPROXY_GROUP", "external", "HAPROXY_0_PORT", "10000"), List.of(10001), task("b", 31001)),
                app("/c", labels("HAPROXY_GROUP", "external", "HAPROXY_0_PORT", "9090"), List.of(10002), task("c", 31002)),
                app("/d", labels("HAPROXY_GROUP", "external", "HAPROXY_0_PORT", "10000", "HAPROXY_0_BIND_ADDR", "127.0.0.3"),
                        List.of(10003), task("d", 31003))));
        assertThat(cfg.apps()).containsExactlyInAnyOrder("/a", "/d"); // another address, the same port: no clash
        assertThat(cfg.skipped()).extracting(Skipped::reason).anyMatch(r -> r.contains("already used by app /a"))
                .anyMatch(r -> r.contains("stats listener"));
    }

    @Test
    void httpHealthChecksMakeHttpBackendsWithHaproxyChecks() throws Exception {
        RenderedConfig cfg = valid(render(app("/web", labels("HAPROXY_GROUP", "external"), List.of(10000), List.of(http("/ping")),
                task("a", 31000))));
        List<String> be = section(cfg.text(), "backend web_10000");
        assertThat(be).contains("mode http", "option httpchk GET /ping", "timeout check 2s");
        assertThat(be).anyMatch(l -> l.endsWith(" check inter 3s fall 3 observe layer4 error-limit 1 on-error mark-down"));
    }

    @Test
    void tcpHealthChecksAndCheckPortIndex() throws Exception {
        HealthCheck onSecondPort = new HealthCheck("HTTP", 1, null, "/status", 2, 5, 10, 4);
        RenderedConfig cfg = valid(render(
                app("/db", labels("HAPROXY_GROUP", "external"), List.of(10000), List.of(tcp()), task("a", 31000)),
                app("/svc", labels("HAPROXY_GROUP", "external", "HAPROXY_0_BACKEND_HEALTHCHECK_PORT_INDEX", "1"),
                        List.of(10001, 10002), List.of(onSecondPort), task("b", 31001, 31002))));
        assertThat(section(cfg.text(), "backend db_10000")).contains("mode tcp").anyMatch(l -> l.contains(" check inter 3s fall 3 "))
                .noneMatch(l -> l.contains("httpchk"));
        List<String> svc = section(cfg.text(), "backend svc_10001");
        assertThat(svc).contains("mode http", "option httpchk GET /status")
                .anyMatch(l -> l.startsWith("server 127_0_0_1_31001 ") && l.contains(" check inter 5s fall 5 port 31002 "));
    }

    @Test
    void onlyRunningAndHealthyTasksAreServedWithHealthCheck() throws Exception {
        ServiceBuilder.Options checked = new ServiceBuilder.Options(false, true, 0, 0, null);
        MarathonApp app = app("/web", labels("HAPROXY_GROUP", "external"), List.of(10000), List.of(http("/")),
                task("healthy", "127.0.0.1", "TASK_RUNNING", List.of(true), 31000),
                task("half", "127.0.0.1", "TASK_RUNNING", List.of(false, true), 31001),
                task("sick", "127.0.0.1", "TASK_RUNNING", List.of(false), 31002),
                task("unchecked", "127.0.0.1", "TASK_RUNNING", List.of(), 31003),
                task("killing", "127.0.0.1", "TASK_KILLING", List.of(true), 31004),
                task("staging", "127.0.0.1", "TASK_STAGING", null, 31005),
                task("unreachable", "127.0.0.1", "TASK_UNREACHABLE", List.of(true), 31006));
        String be = String.join("\n", section(valid(render(settings, checked, app)).text(), "backend web_10000"));
        assertThat(be).contains(":31000 ", ":31001 ", ":31006 ").doesNotContain(":31002", ":31003", ":31004", ":31005");

        String unchecked = String.join("\n", section(render(app).text(), "backend web_10000"));
        assertThat(unchecked).contains(":31002 ", ":31003 ").doesNotContain(":31004", ":31005");

        MarathonApp allSick = app("/sick", labels("HAPROXY_GROUP", "external"), List.of(10001), List.of(http("/")),
                task("s", "127.0.0.1", "TASK_RUNNING", List.of(false), 31007));
        assertThat(render(settings, checked, allSick).text()).doesNotContain("sick_10001"); // no servers, no frontend
    }

    @Test
    void blueGreenAppsMergeIntoTheDeploymentGroupWithOldTasksDraining() throws Exception {
        Map<String, String> blue = labels("HAPROXY_GROUP", "external", "HAPROXY_DEPLOYMENT_GROUP", "nginx",
                "HAPROXY_DEPLOYMENT_ALT_PORT", "10001", "HAPROXY_0_PORT", "10000", "HAPROXY_DEPLOYMENT_COLOUR", "blue",
                "HAPROXY_DEPLOYMENT_STARTED_AT", "2026-01-01T10:00:00.000000", "HAPROXY_DEPLOYMENT_TARGET_INSTANCES", "2",
                "HAPROXY_DEPLOYMENT_NEW_INSTANCES", "0");
        Map<String, String> green = labels("HAPROXY_GROUP", "external", "HAPROXY_DEPLOYMENT_GROUP", "nginx",
                "HAPROXY_DEPLOYMENT_ALT_PORT", "10001", "HAPROXY_0_PORT", "10000", "HAPROXY_DEPLOYMENT_COLOUR", "green",
                "HAPROXY_DEPLOYMENT_STARTED_AT", "2026-01-01T11:00:00.000000", "HAPROXY_DEPLOYMENT_TARGET_INSTANCES", "2",
                "HAPROXY_DEPLOYMENT_NEW_INSTANCES", "0");
        MarathonApp blueApp = new MarathonApp("/nginx-blue", blue, 2, "host", List.of(10000), List.of(10000), List.of(), List.of(),
                List.of(http("/")), List.of(task("blue.1", "127.0.0.1", "TASK_RUNNING", List.of(true), 31000),
                task("blue.2", "127.0.0.1", "TASK_RUNNING", List.of(true), 31001)), "2026-01-01T10:00:00.000Z");
        MarathonApp greenApp = new MarathonApp("/nginx-green", green, 1, "host", List.of(10001), List.of(10001), List.of(), List.of(),
                List.of(http("/")), List.of(task("green.1", "127.0.0.1", "TASK_RUNNING", List.of(true), 31002)), "2026-01-01T11:00:00.000Z");
        RenderedConfig cfg = valid(render(settings, new ServiceBuilder.Options(false, true, 0, 0, null), greenApp, blueApp));
        assertThat(cfg.apps()).containsExactly("/nginx");
        List<String> be = section(cfg.text(), "backend nginx_10000");
        assertThat(be).anyMatch(l -> l.contains(":31000 ") && l.endsWith(" disabled"))
                .anyMatch(l -> l.contains(":31001 ") && !l.endsWith(" disabled"))
                .anyMatch(l -> l.contains(":31002 ") && !l.endsWith(" disabled"));
        assertThat(cfg.text()).contains("frontend nginx_10000\n  bind 127.0.0.1:10000\n").doesNotContain("10001");
    }

    @Test
    void haproxyMapsReplaceHostAndAppIdRuleLists() throws Exception {
        RenderedConfig cfg = valid(render(settings.withHaproxyMap(true), ServiceBuilder.Options.defaults(),
                app("/a", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "a.example.com,a2.example.com"), List.of(10000), task("a", 31000)),
                app("/b", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "b.example.com"), List.of(10001), task("b", 31001)),
                app("/c", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "c.example.com", "HAPROXY_0_PATH", "/c"), List.of(10002), task("c", 31002))));
        assertThat(cfg.domainMap()).isEqualTo("a.example.com a_10000\na2.example.com a_10000\nb.example.com b_10001\n");
        assertThat(cfg.appMap()).isEqualTo("/a a_10000\n/b b_10001\n/c c_10002\n");
        List<String> http = section(cfg.text(), "frontend marathon_http_in");
        assertThat(http).containsOnlyOnce("use_backend %[req.hdr(host),lower,regsub(:.*$,,),map(" + dir + "/domain2backend.map)]");
        assertThat(http.get(http.size() - 1)).startsWith("use_backend %["); // the map rule comes after the path rules
        assertThat(http).contains("use_backend c_10002 if host_c_example_com_c path_c_10002");
    }

    @Test
    void renderingIsDeterministicWhateverMarathonsOrder() {
        List<MarathonApp> apps = Apps.many(50);
        RenderedConfig a = render(apps.toArray(MarathonApp[]::new));
        List<MarathonApp> shuffled = new ArrayList<>(apps);
        Collections.shuffle(shuffled, new java.util.Random(7));
        RenderedConfig b = render(shuffled.toArray(MarathonApp[]::new));
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(b.sameFilesAs(a)).isTrue();
    }

    @Test
    void everyLineKnowsWhichAppWroteIt() {
        RenderedConfig cfg = render(
                app("/a", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "a.example.com"), List.of(10000), task("a", 31000)),
                app("/b", labels("HAPROXY_GROUP", "external", "HAPROXY_0_BACKEND_HEAD", "\nbackend {backend}\n  balance {balance}\n  mode {mode}\n  bogus-directive\n"),
                        List.of(10001), task("b", 31001)));
        String[] lines = cfg.text().split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("bogus-directive") || lines[i].contains("backend b_10001")) assertThat(cfg.ownerOfLine(i + 1)).isEqualTo("/b");
            if (lines[i].contains("host_a_example_com_a")) assertThat(cfg.ownerOfLine(i + 1)).isEqualTo("/a");
            if (lines[i].startsWith("global") || lines[i].contains("frontend marathon_http_in")) assertThat(cfg.ownerOfLine(i + 1)).isNull();
        }
        assertThat(cfg.proxyOwners()).containsEntry("b_10001", "/b").containsEntry("a_10000", "/a");
    }

    @Test
    void portsAndAddressesComeFromSettings() throws Exception {
        RenderSettings s = settings.withPorts(18080, 18443, 19090, 0, 30000);
        RenderedConfig cfg = valid(render(s, ServiceBuilder.Options.defaults(),
                app("/web", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "web.example.com"), List.of(10000), task("a", 31000))));
        assertThat(cfg.text()).contains("bind 127.0.0.1:18080\n", "bind 127.0.0.1:19090\n", "frontend web_10000\n  bind 127.0.0.1:40000\n")
                .doesNotContain("marathon_http_appid_in", ":80\n", ":9090\n");
    }

    @Test
    void ipPerTaskAppsUseTheTasksOwnAddressAndGetServicePortsAssigned() throws Exception {
        MarathonTask t = new MarathonTask("ippt.1", "agent-1.example.com", List.of("127.0.0.5"), List.of(), "TASK_RUNNING", null, false);
        MarathonApp app = new MarathonApp("/ippt", labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "ippt.example.com"), 1,
                "container", List.of(), List.of(), List.of(8080), List.of(), List.of(), List.of(t), null);
        RenderedConfig cfg = valid(render(settings, new ServiceBuilder.Options(false, false, 10_050, 10_100, null), app));
        assertThat(cfg.text()).contains("server agent-1_example_com_127_0_0_5_8080 127.0.0.5:8080 id ");
        assertThat(cfg.binds()).singleElement().satisfies(b -> assertThat(b.port()).isBetween(10_050, 10_100));
    }
}
