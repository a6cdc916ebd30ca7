package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.strata.common.json.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MasterProbeTest {
    @Test
    void countsActiveAgents() {
        assertThat(MasterProbe.countActive(Json.read("{\"slaves\":[{\"active\":true},{\"active\":false},{}]}"))).isEqualTo(2);
        assertThat(MasterProbe.countActive(Json.read("{}"))).isZero();
    }

    @Test
    void waitsUntilTheMasterListsTheAgents() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/master/state", ex -> {
            int n = calls.incrementAndGet();
            // not leading yet, then one agent, then both
            byte[] body = (n < 2 ? "" : n < 4 ? "{\"slaves\":[{\"active\":true}]}"
                    : "{\"slaves\":[{\"active\":true},{\"active\":true}]}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(n < 2 ? 503 : 200, body.length == 0 ? -1 : body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            MasterProbe probe = new MasterProbe("http://127.0.0.1:" + server.getAddress().getPort());
            assertThat(probe.awaitAgents(2, Duration.ofSeconds(5))).isTrue();
            assertThat(calls.get()).isGreaterThanOrEqualTo(4);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void givesUpAfterTheTimeoutWhenNobodyAnswers() throws Exception {
        int port = PortCheckTest.freePort();
        MasterProbe probe = new MasterProbe("http://127.0.0.1:" + port);
        assertThat(probe.activeAgents()).isEqualTo(-1);
        assertThat(probe.awaitAgents(1, Duration.ofMillis(200))).isFalse();
    }
}
