package io.strata.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthProbeTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path sandbox;

    @Test
    void commandChecksRunInTheSandboxWithTheTaskEnvironment() throws Exception {
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "EXPECTED", sandbox.toRealPath().toString());
        assertThat(probe(command("test \"$(pwd -P)\" = \"$EXPECTED\""), env).probe(TIMEOUT)).isTrue();
        assertThat(probe(command("exit 1"), env).probe(TIMEOUT)).isFalse();
        assertThat(probe(command("sleep 30"), env).probe(Duration.ofMillis(200))).as("timed out").isFalse();
    }

    @Test
    void httpChecksAccept2xxAnd3xx() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> { ex.sendResponseHeaders(204, -1); ex.close(); });
        server.createContext("/moved", ex -> { ex.getResponseHeaders().add("Location", "/ok"); ex.sendResponseHeaders(302, -1); ex.close(); });
        server.createContext("/broken", ex -> { ex.sendResponseHeaders(503, -1); ex.close(); });
        server.start();
        try {
            int port = server.getAddress().getPort();
            assertThat(probe(http(port, "/ok"), Map.of()).probe(TIMEOUT)).isTrue();
            assertThat(probe(http(port, "/moved"), Map.of()).probe(TIMEOUT)).isTrue();
            assertThat(probe(http(port, "/broken"), Map.of()).probe(TIMEOUT)).isFalse();
        } finally {
            server.stop(0);
        }
        assertThat(probe(http(freePort(), "/"), Map.of()).probe(TIMEOUT)).as("nothing listening").isFalse();
    }

    @Test
    void tcpChecksConnect() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            HealthCheck check = HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
                    .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(s.getLocalPort())).build();
            assertThat(probe(check, Map.of()).probe(TIMEOUT)).isTrue();
        }
        HealthCheck closed = HealthCheck.newBuilder().setType(HealthCheck.Type.TCP)
                .setTcp(HealthCheck.TCPCheckInfo.newBuilder().setPort(freePort())).build();
        assertThat(probe(closed, Map.of()).probe(TIMEOUT)).isFalse();
    }

    @Test
    void legacyChecksWithoutATypeAreKnownByTheirFields() {
        assertThat(HealthProbe.type(HealthCheck.newBuilder().setCommand(CommandInfo.newBuilder().setValue("true")).build()))
                .isEqualTo(HealthCheck.Type.COMMAND);
        assertThat(HealthProbe.type(HealthCheck.newBuilder().build())).isEqualTo(HealthCheck.Type.UNKNOWN);
    }

    private HealthProbe probe(HealthCheck check, Map<String, String> env) {
        return new HealthProbe(check, sandbox, env, "127.0.0.1");
    }

    private static HealthCheck command(String cmd) {
        return HealthCheck.newBuilder().setType(HealthCheck.Type.COMMAND).setCommand(CommandInfo.newBuilder().setValue(cmd)).build();
    }

    private static HealthCheck http(int port, String path) {
        return HealthCheck.newBuilder().setType(HealthCheck.Type.HTTP)
                .setHttp(HealthCheck.HTTPCheckInfo.newBuilder().setPort(port).setPath(path)).build();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }
}
