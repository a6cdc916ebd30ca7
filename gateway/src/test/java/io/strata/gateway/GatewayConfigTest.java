package io.strata.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {

    @Test
    void flagsWithDcosDefaults() {
        GatewayConfig c = GatewayConfig.parse("--master", "zk://10.0.0.1:2181/strata");
        assertThat(c).isEqualTo(new GatewayConfig("127.0.0.1", 80, "zk://10.0.0.1:2181/strata", "http://127.0.0.1:8080",
                "http://127.0.0.1:8123", "http://127.0.0.1:7070", null, 64L * 1024 * 1024));
        GatewayConfig all = GatewayConfig.parse("--master", "10.0.0.1:5050", "--ip", "0.0.0.0", "--port", "8000",
                "--marathon", "10.0.0.1:8080/", "--mesos_dns", "http://10.0.0.1:8123", "--cosmos", "https://c:7070",
                "--ui-dir", "/opt/ui", "--max-body-size", "1m");
        assertThat(all).isEqualTo(new GatewayConfig("0.0.0.0", 8000, "10.0.0.1:5050", "http://10.0.0.1:8080",
                "http://10.0.0.1:8123", "https://c:7070", Path.of("/opt/ui"), 1024 * 1024));
        assertThat(GatewayConfig.local("zk://h:2181/s").port()).isEqualTo(8000);
        assertThat(GatewayConfig.local("zk://h:2181/s").withBindHost("10.0.0.5").bindHost()).isEqualTo("10.0.0.5");
    }

    @Test
    void badValuesNameTheFlag() {
        assertThatThrownBy(() -> GatewayConfig.parse()).hasMessageContaining("--master");
        assertThatThrownBy(() -> GatewayConfig.parse("--master", "m:5050", "--marathon", "ftp://x"))
                .hasMessageContaining("--marathon must be an http:// or https:// URL");
        assertThatThrownBy(() -> GatewayConfig.parse("--master", "m:5050", "--max-body-size", "lots"))
                .hasMessageContaining("--max-body-size");
        assertThatThrownBy(() -> GatewayConfig.local("m:5050").withPort(70000)).hasMessageContaining("--port");
        assertThat(GatewayConfig.size("2k")).isEqualTo(2048);
        assertThat(GatewayConfig.size("1GB")).isEqualTo(1024L * 1024 * 1024);
    }
}
