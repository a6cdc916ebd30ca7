package io.strata.marathon.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.marathon.MarathonConfig;
import io.strata.marathon.MarathonServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two Marathons on one ZooKeeper path: one leads, the other proxies; state survives the leader's exit. */
class LeaderFailoverTest {
    @Test
    void followerProxiesAndTakesOverWithTheState(@TempDir Path dir) throws Exception {
        try (EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir)) {
            MarathonConfig config = MarathonConfig.defaults(null, "zk://" + zk.connectString() + "/ha").withHttpPort(0);
            MarathonServer first = MarathonServer.start(config);
            ApiClient a = new ApiClient(first.port());
            await().atMost(Duration.ofSeconds(20)).until(first::isLeader);
            try (MarathonServer second = MarathonServer.start(config)) {
                ApiClient b = new ApiClient(second.port());
                assertThat(second.isLeader()).isFalse();
                assertThat(b.get("/v2/leader").json().get("leader").asText()).isEqualTo("127.0.0.1:" + first.port());

                ApiClient.Response created = b.post("/v2/apps", "{\"id\":\"/ha/web\",\"cmd\":\"sleep 1\",\"instances\":0}");
                assertThat(created.status()).isEqualTo(201);
                assertThat(created.header("X-Marathon-Via")).contains("127.0.0.1:" + second.port());
                assertThat(a.get("/v2/apps/ha/web").status()).isEqualTo(200);
                assertThat(b.get("/v2/info").json().get("leader").asText()).isEqualTo("127.0.0.1:" + first.port());

                first.close();
                await().atMost(Duration.ofSeconds(30)).until(second::isLeader);
                assertThat(b.get("/v2/apps/ha/web").json().get("app").get("cmd").asText()).isEqualTo("sleep 1");
                assertThat(b.get("/v2/leader").json().get("leader").asText()).isEqualTo("127.0.0.1:" + second.port());

                ApiClient.Response abdicated = b.delete("/v2/leader");
                assertThat(abdicated.status()).isEqualTo(200);
                assertThat(abdicated.json().get("message").asText()).isEqualTo("Leadership abdicated");
                await().atMost(Duration.ofSeconds(30)).until(second::isLeader);
                assertThat(b.get("/v2/apps/ha/web").status()).isEqualTo(200);
            }
        }
    }
}
