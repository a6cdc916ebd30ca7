package io.strata.marathon.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.strata.common.json.Json;
import io.strata.marathon.codec.AppCodec;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.VersionInfo;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HealthMonitorTest {
    static AppDefinition app(String json) {
        return AppCodec.readRequest(Json.read(json), PathId.ROOT, null, "*").withVersionInfo(VersionInfo.initial(Instant.EPOCH));
    }

    static Instance running(AppDefinition app, int port) {
        Instance i = Instance.scheduled(app, Instant.EPOCH).launched("agent", "127.0.0.1", List.of(port), Instant.EPOCH);
        return i.updated(Instance.Condition.Running, Instant.EPOCH, List.of(), null);
    }

    @Test
    void httpAndTcpChecks() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer srv = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        srv.createContext("/health", ex -> {
            ex.sendResponseHeaders(status.get(), -1);
            ex.close();
        });
        srv.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            int port = srv.getAddress().getPort();
            AppDefinition a = app("{\"id\":\"/a\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"HTTP\",\"path\":\"/health\",\"timeoutSeconds\":2},"
                    + "{\"protocol\":\"TCP\",\"timeoutSeconds\":2}]}");
            Instance i = running(a, port);
            assertThat(HealthMonitor.check(a, i, a.healthChecks().get(0), http)).isNull();
            assertThat(HealthMonitor.check(a, i, a.healthChecks().get(1), http)).isNull();
            status.set(503);
            assertThat(HealthMonitor.check(a, i, a.healthChecks().get(0), http)).isEqualTo("503");
            status.set(302);
            assertThat(HealthMonitor.check(a, i, a.healthChecks().get(0), http)).isNull();
        } finally {
            srv.stop(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        AppDefinition b = app("{\"id\":\"/b\",\"cmd\":\"x\",\"healthChecks\":[{\"protocol\":\"TCP\",\"timeoutSeconds\":1}]}");
        assertThat(HealthMonitor.check(b, running(b, closed), b.healthChecks().get(0), http)).startsWith("ConnectException");
    }

    @Test
    void resolvesPortsByIndexAndMapping() {
        AppDefinition host = app("{\"id\":\"/a\",\"cmd\":\"x\",\"portDefinitions\":[{\"port\":0},{\"port\":0}]}");
        Instance i = Instance.scheduled(host, Instant.EPOCH).launched("agent", "h", List.of(31000, 31001), Instant.EPOCH);
        assertThat(HealthMonitor.port(host, i, null, 1)).isEqualTo(31001);
        assertThat(HealthMonitor.port(host, i, 8080, 1)).isEqualTo(8080);
        AppDefinition bridge = app("{\"id\":\"/b\",\"cmd\":\"x\",\"networks\":[{\"mode\":\"container/bridge\"}],"
                + "\"container\":{\"type\":\"MESOS\",\"portMappings\":[{\"containerPort\":80},{\"containerPort\":90,\"hostPort\":0}]}}");
        Instance j = Instance.scheduled(bridge, Instant.EPOCH).launched("agent", "h", List.of(31005, 31006), Instant.EPOCH);
        assertThat(HealthMonitor.port(bridge, j, null, 1)).isEqualTo(31006);
    }
}
