package io.strata.marathon.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.strata.marathon.MarathonConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class MarathonConfigTest {
    @Test
    void parsesTheLaunchersFlagsWithMarathonsDefaults() {
        MarathonConfig c = MarathonConfig.parse("--master", "zk://127.0.0.1:2181/strata", "--zk", "zk://127.0.0.1:2181/marathon",
                "--framework-name", "marathon", "--http-port", "8080");
        assertThat(c.master()).isEqualTo("zk://127.0.0.1:2181/strata");
        assertThat(c.zk()).isEqualTo("zk://127.0.0.1:2181/marathon");
        assertThat(c.frameworkName()).isEqualTo("marathon");
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.hostname()).isEqualTo("127.0.0.1");
        assertThat(c.httpPort()).isEqualTo(8080);
        assertThat(c.failoverTimeout()).isEqualTo(Duration.ofDays(7));
        assertThat(c.role()).isEqualTo("*");
        assertThat(c.localPortMin()).isEqualTo(10000);
        assertThat(c.localPortMax()).isEqualTo(20000);
        assertThat(c.maxVersions()).isEqualTo(50);
    }

    @Test
    void acceptsMarathonsSnakeCaseFlags() {
        MarathonConfig c = MarathonConfig.parse("--master", "127.0.0.1:5050", "--zk", "zk://h:2181/m2", "--framework_name", "marathon-user",
                "--mesos_role", "slave_public", "--http_port", "0", "--default_accepted_resource_roles", "*,slave_public",
                "--failover_timeout", "60", "--task_launch_timeout", "1000");
        assertThat(c.frameworkName()).isEqualTo("marathon-user");
        assertThat(c.role()).isEqualTo("slave_public");
        assertThat(c.defaultAcceptedResourceRoles()).containsExactly("*", "slave_public");
        assertThat(c.failoverTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(c.taskLaunchTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(MarathonConfig.parse("--master", "m:5050", "--zk", "zk://h/x", "--mesos-role", "r").role()).isEqualTo("r");
    }

    @Test
    void rejectsBadFlags() {
        assertThatThrownBy(() -> MarathonConfig.parse("--zk", "zk://h/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MarathonConfig.parse("--master", "m:5050", "--zk", "zk://h/x", "--http-port", "70000"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
