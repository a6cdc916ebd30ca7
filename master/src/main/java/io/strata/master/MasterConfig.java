package io.strata.master;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a master needs to start. Built by {@code dcos-node master} (flags named as Mesos' master flags)
 * and by {@code dcos-node local}.
 *
 * @param zk                    ZooKeeper URL ({@code zk://h1:2181,h2:2181/strata}); leader election and registry
 * @param bindHost              address to listen on (127.0.0.1 unless configured)
 * @param port                  HTTP port (5050; 0 picks a free one)
 * @param advertisedHost        host name/IP written into MasterInfo and offers' URLs
 * @param workDir               local scratch directory
 * @param cluster               cluster name shown in /master/state
 * @param agentPingTimeout      Mesos --agent_ping_timeout (15 s)
 * @param maxAgentPingTimeouts  Mesos --max_agent_ping_timeouts (5)
 * @param heartbeatInterval     scheduler HEARTBEAT interval (15 s)
 * @param weights               role weights, Mesos --weights ("role=2,other=1")
 * @param offerTimeout          Mesos --offer_timeout; null means offers are not rescinded by time
 * @param defaultRefuseSeconds  filter for DECLINE without filters (5 s)
 */
public record MasterConfig(
        String zk,
        String bindHost,
        int port,
        String advertisedHost,
        Path workDir,
        String cluster,
        Duration agentPingTimeout,
        int maxAgentPingTimeouts,
        Duration heartbeatInterval,
        Map<String, Double> weights,
        Duration offerTimeout,
        double defaultRefuseSeconds) {

    public static MasterConfig defaults(String zk, Path workDir) {
        return new MasterConfig(zk, "127.0.0.1", 5050, "127.0.0.1", workDir, "strata", Duration.ofSeconds(15), 5,
                Duration.ofSeconds(15), Map.of(), null, 5.0);
    }

    public MasterConfig withPort(int newPort) {
        return new MasterConfig(zk, bindHost, newPort, advertisedHost, workDir, cluster, agentPingTimeout,
                maxAgentPingTimeouts, heartbeatInterval, weights, offerTimeout, defaultRefuseSeconds);
    }
}
