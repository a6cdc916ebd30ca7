package io.strata.lb.marathon;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.common.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class AppsParserTest {
    @Test
    void readsAppsTasksHealthAndNetworking() {
        String json = """
                {"apps":[
                  {"id":"/shop/web","instances":2,"labels":{"HAPROXY_GROUP":"external","HAPROXY_0_VHOST":"shop.example.com"},
                   "portDefinitions":[{"port":10000,"name":"http","protocol":"tcp"},{"port":10001}],
                   "networks":[{"mode":"host"}],
                   "healthChecks":[{"protocol":"MESOS_HTTP","portIndex":0,"path":"/health","timeoutSeconds":5,"intervalSeconds":10,
                                    "gracePeriodSeconds":30,"maxConsecutiveFailures":2}],
                   "versionInfo":{"lastScalingAt":"2026-01-01T00:00:00.000Z"},
                   "tasks":[{"id":"shop_web.1","host":"10.0.0.5","ports":[31000,31001],"state":"TASK_RUNNING",
                             "ipAddresses":[{"ipAddress":"10.0.0.5","protocol":"IPv4"}],
                             "healthCheckResults":[{"alive":true,"consecutiveFailures":0}]},
                            {"id":"shop_web.2","host":"10.0.0.6","ports":[31002,31003],"state":"TASK_STAGING"}]},
                  {"id":"bridged","labels":{},"container":{"type":"DOCKER","docker":{"image":"nginx"},
                     "portMappings":[{"containerPort":80,"hostPort":0,"servicePort":10010}]},
                   "networks":[{"mode":"container/bridge"}],"tasks":[]},
                  {"id":"/ippt","container":{"portMappings":[{"containerPort":8080}]},"networks":[{"mode":"container","name":"dcos"}]}
                ]}""";
        List<MarathonApp> apps = AppsParser.parseApps(Json.read(json));
        MarathonApp web = apps.get(0);
        assertThat(web.id()).isEqualTo("/shop/web");
        assertThat(web.instances()).isEqualTo(2);
        assertThat(web.networkMode()).isEqualTo("host");
        assertThat(web.servicePorts()).containsExactly(10000, 10001);
        assertThat(web.label("HAPROXY_0_VHOST")).isEqualTo("shop.example.com");
        assertThat(web.healthChecks()).singleElement().satisfies(hc -> {
            assertThat(hc.isHttp()).isTrue();
            assertThat(hc.path()).isEqualTo("/health");
            assertThat(hc.maxConsecutiveFailures()).isEqualTo(2);
        });
        assertThat(web.healthCheckFor(0)).isNotNull();
        assertThat(web.healthCheckFor(1)).isNull();
        assertThat(web.tasks()).hasSize(2);
        assertThat(web.tasks().get(0).anyAlive()).isTrue();
        assertThat(web.tasks().get(1).healthAlive()).isNull();
        assertThat(web.tasks().get(1).state()).isEqualTo("TASK_STAGING");
        assertThat(web.lastScalingAt()).isEqualTo("2026-01-01T00:00:00.000Z");

        MarathonApp bridged = apps.get(1);
        assertThat(bridged.id()).isEqualTo("/bridged");
        assertThat(bridged.networkMode()).isEqualTo("container/bridge");
        assertThat(bridged.servicePorts()).containsExactly(10010);
        assertThat(bridged.containerPorts()).containsExactly(80);

        MarathonApp ippt = apps.get(2);
        assertThat(ippt.networkMode()).isEqualTo("container");
        assertThat(ippt.servicePorts()).isEmpty();
        assertThat(ippt.containerPorts()).containsExactly(8080);
    }

    @Test
    void marathonUrlsWithoutSchemeAndSeveralPerFlag() {
        assertThat(MarathonClient.parseUrls(List.of("127.0.0.1:8080", "http://m2:8080,https://m3")))
                .extracting(Object::toString).containsExactly("http://127.0.0.1:8080", "http://m2:8080", "https://m3");
    }
}
