package io.strata.it.packages;

import io.strata.cosmos.CosmosConfig;
import io.strata.cosmos.CosmosServer;

/**
 * Cosmos in the test's JVM, for as long as {@code dcos-node local} does not start one itself. Its built-in
 * repository is the one on the test class path (the strata-cosmos jar).
 */
final class InProcessCosmos {
    private InProcessCosmos() {}

    static AutoCloseable start(int port, String marathonUrl, String zk) {
        CosmosServer server = CosmosServer.start(CosmosConfig.defaults().withPort(port).withMarathonUrl(marathonUrl).withZk(zk));
        return server;
    }
}
