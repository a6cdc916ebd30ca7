package io.strata.gateway.services;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServiceResolverTest {
    static final String APPS = """
            {"apps": [
              {"id": "/jenkins", "labels": {"DCOS_SERVICE_NAME": "jenkins", "DCOS_SERVICE_PORT_INDEX": "1",
                                           "DCOS_SERVICE_SCHEME": "http"},
               "tasks": [{"id": "jenkins.1", "state": "TASK_STAGING", "host": "10.0.0.9", "ports": [1, 2]},
                         {"id": "jenkins.2", "state": "TASK_RUNNING", "host": "10.0.0.2", "ports": [31000, 31001]}]},
              {"id": "/dev/tools/grafana", "labels": {"DCOS_SERVICE_NAME": "/dev/grafana", "DCOS_SERVICE_PORT_INDEX": "0",
                                                     "DCOS_SERVICE_REWRITE_REQUEST_URLS": "false"},
               "tasks": [{"id": "g.1", "state": "TASK_RUNNING", "host": "10.0.0.3", "ports": [31500]}]},
              {"id": "/web", "labels": {"DCOS_SERVICE_NAME": "web", "DCOS_SERVICE_SCHEME": "https"},
               "networks": [{"mode": "container", "name": "dcos"}],
               "container": {"portMappings": [{"containerPort": 8443, "hostPort": 0}]},
               "tasks": [{"id": "w.1", "state": "TASK_RUNNING", "host": "10.0.0.4", "ports": [31700],
                          "ipAddresses": [{"ipAddress": "9.0.0.7", "protocol": "IPv4"}]}]},
              {"id": "/pending", "labels": {"DCOS_SERVICE_NAME": "pending"}, "tasks": []},
              {"id": "/plain", "labels": {}, "tasks": [{"id": "p.1", "state": "TASK_RUNNING", "host": "h", "ports": [1]}]}
            ]}""";
    static final String STATE = """
            {"frameworks": [
               {"id": "fw-1", "name": "marathon", "webui_url": "http://10.0.0.1:8080", "active": true},
               {"id": "fw-2", "name": "spark", "webui_url": "http://10.0.0.5:4040/", "active": true},
               {"id": "fw-3", "name": "headless", "webui_url": "", "active": true},
               {"id": "fw-4", "name": "spark", "webui_url": "http://old:1", "active": false}],
             "slaves": [{"id": "S0", "pid": "slave(1)@10.0.0.2:5051", "hostname": "a2", "port": 5051},
                        {"id": "S1", "pid": "", "hostname": "a3", "port": 5052}]}""";

    private final ServiceApps apps = ServiceApps.of(Json.read(APPS));
    private final MesosDirectory mesos = MesosDirectory.of(Json.read(STATE));
    private final ServiceResolver resolver = new ServiceResolver("http://root-marathon:8080",
            name -> name.equals("headless") ? Optional.of("http://10.0.0.8:9000") : Optional.empty());

    @Test
    void marathonAppByLabelUsesFirstRunningTaskAndPortIndex() {
        assertThat(resolver.resolve("jenkins/job/x", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("jenkins", "/service/jenkins", "http://10.0.0.2:31001", true));
    }

    @Test
    void nestedNamesAreTriedSegmentBySegmentAndRewritingCanBeTurnedOff() {
        assertThat(resolver.resolve("dev/grafana/api/health", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("grafana.dev", "/service/dev/grafana", "http://10.0.0.3:31500", false));
    }

    @Test
    void containerNetworkingUsesTheTaskIpAndFixedContainerPort() {
        assertThat(resolver.resolve("web/", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("web", "/service/web", "https://9.0.0.7:8443", true));
    }

    @Test
    void frameworksByNameOrIdWithTheirWebUi() {
        assertThat(resolver.resolve("spark/jobs", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("spark", "/service/spark", "http://10.0.0.5:4040", true));
        assertThat(resolver.resolve("fw-2/", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("spark", "/service/fw-2", "http://10.0.0.5:4040", true));
        assertThat(resolver.resolve("headless/", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("headless", "/service/headless", "http://10.0.0.8:9000", true));
    }

    @Test
    void marathonIsTheRootMarathonFrameworkOrTheConfiguredUrl() {
        assertThat(resolver.resolve("marathon/v2/apps", apps, mesos))
                .isEqualTo(new ServiceResolver.Found("marathon", "/service/marathon", "http://10.0.0.1:8080", true));
        assertThat(resolver.resolve("marathon/v2/apps", apps, MesosDirectory.empty()))
                .isEqualTo(new ServiceResolver.Found("marathon", "/service/marathon", "http://root-marathon:8080", true));
    }

    @Test
    void unknownAndUnreachableServicesSayWhy() {
        assertThat(resolver.resolve("nope/", apps, mesos)).isInstanceOf(ServiceResolver.NotFound.class)
                .extracting(r -> ((ServiceResolver.NotFound) r).message()).asString().contains("'nope'");
        assertThat(resolver.resolve("plain/", apps, mesos)).isInstanceOf(ServiceResolver.NotFound.class);
        assertThat(resolver.resolve("pending/", apps, mesos)).isInstanceOf(ServiceResolver.Unavailable.class)
                .extracting(r -> ((ServiceResolver.Unavailable) r).message()).asString().contains("no running task");
        ServiceResolver dnsDown = new ServiceResolver("http://m:8080", n -> {
            throw new UncheckedIOException(new IOException("connection refused"));
        });
        assertThat(dnsDown.resolve("headless/", apps, mesos)).isInstanceOf(ServiceResolver.Unavailable.class);
    }

    @Test
    void agentsFromPidOrHostAndPort() {
        assertThat(mesos.agent("S0")).isEqualTo("http://10.0.0.2:5051");
        assertThat(mesos.agent("S1")).isEqualTo("http://a3:5052");
        assertThat(mesos.agent("S9")).isNull();
    }

    @Test
    void namesAreNormalisedLikeMesosDns() {
        assertThat(ServiceNames.normalise("/group1/jenkins/")).isEqualTo("jenkins.group1");
        assertThat(ServiceNames.normalise("jenkins")).isEqualTo("jenkins");
    }
}
