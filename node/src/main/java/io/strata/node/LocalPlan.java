package io.strata.node;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where everything of {@code dcos-node local} goes: ZooKeeper, the master and the agents on one host, each with
 * its own HTTP port and work dir, and each agent with its own task port range so two agents on one machine
 * never offer the same port. Private agents come first, then the one public agent.
 *
 * @param host       address every daemon binds and advertises
 * @param workDir    the local cluster's root directory
 * @param zkPort     embedded ZooKeeper's client port
 * @param masterPort the master's HTTP port
 * @param agents     the agents, in start order
 */
public record LocalPlan(String host, Path workDir, int zkPort, int masterPort, List<Agent> agents) {
    public static final int FIRST_TASK_PORT = 31000;
    public static final int TASK_PORTS_PER_AGENT = 1000;
    public static final int MAX_PRIVATE_AGENTS = 32;

    /**
     * One agent of the local cluster.
     *
     * @param name          its name in progress lines and the banner
     * @param port          HTTP port
     * @param firstTaskPort first port of the range it offers to tasks
     * @param lastTaskPort  last port of that range (inclusive)
     * @param isPublic      the {@code slave_public} agent
     * @param workDir       its own work dir (sandboxes, checkpoints)
     */
    public record Agent(String name, int port, int firstTaskPort, int lastTaskPort, boolean isPublic, Path workDir) {
        /** Mesos --resources: the port range; cpus, mem and disk are detected by the agent. */
        public String resources() {
            return "ports:[" + firstTaskPort + "-" + lastTaskPort + "]";
        }
    }

    /**
     * Plans a local cluster of {@code privateAgents} private agents plus one public agent, agents on consecutive
     * HTTP ports from {@code firstAgentPort}. Rejects plans whose ports collide, naming the flag to change.
     */
    public static LocalPlan plan(String host, Path workDir, int zkPort, int masterPort, int firstAgentPort,
                                 int privateAgents) {
        if (privateAgents < 0 || privateAgents > MAX_PRIVATE_AGENTS) {
            throw new IllegalArgumentException("--agents must be between 0 and " + MAX_PRIVATE_AGENTS + ", got " + privateAgents);
        }
        checkPort("--zk-port", zkPort);
        checkPort("--master-port", masterPort);
        checkPort("--agent-port", firstAgentPort);
        int total = privateAgents + 1;
        if (firstAgentPort + total - 1 > 65535) {
            throw new IllegalArgumentException("--agent-port " + firstAgentPort + " leaves no room for " + total
                    + " agents on consecutive ports; choose a lower one");
        }
        List<Agent> agents = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            boolean isPublic = i == privateAgents;
            int first = FIRST_TASK_PORT + TASK_PORTS_PER_AGENT * i;
            String name = isPublic ? "public-agent" : "agent-" + i;
            agents.add(new Agent(name, firstAgentPort + i, first, first + TASK_PORTS_PER_AGENT - 1, isPublic,
                    workDir.resolve(isPublic ? "public-agent-0" : "agent-" + i)));
        }
        LocalPlan plan = new LocalPlan(host, workDir, zkPort, masterPort, List.copyOf(agents));
        plan.checkNoCollisions();
        return plan;
    }

    private static void checkPort(String flag, int port) {
        if (port < 1 || port > 65535) throw new IllegalArgumentException(flag + " must be a port between 1 and 65535, got " + port);
    }

    private void checkNoCollisions() {
        Map<Integer, String> byPort = new LinkedHashMap<>();
        byPort.put(zkPort, "--zk-port");
        claim(byPort, masterPort, "--master-port");
        for (Agent a : agents) claim(byPort, a.port(), "--agent-port");
        int firstTask = agents.getFirst().firstTaskPort();
        int lastTask = agents.getLast().lastTaskPort();
        for (var e : byPort.entrySet()) {
            if (e.getKey() >= firstTask && e.getKey() <= lastTask) {
                throw new IllegalArgumentException(e.getValue() + " " + e.getKey() + " falls inside the agents' task port range "
                        + firstTask + "-" + lastTask + "; choose a port outside it");
            }
        }
    }

    private static void claim(Map<Integer, String> byPort, int port, String flag) {
        String other = byPort.putIfAbsent(port, flag);
        if (other != null) {
            throw new IllegalArgumentException(flag.equals(other)
                    ? flag + " gives two daemons port " + port
                    : flag + " and " + other + " both use port " + port + "; give them different ports");
        }
    }

    /** The ZooKeeper URL the master and agents use. */
    public String zkUrl() {
        return "zk://" + host + ":" + zkPort + "/strata";
    }

    public String masterUrl() {
        return "http://" + host + ":" + masterPort;
    }

    public Path zkDataDir() {
        return workDir.resolve("zookeeper");
    }

    public Path masterWorkDir() {
        return workDir.resolve("master");
    }

    public Path logDir() {
        return workDir.resolve("logs");
    }

    /** Every port the plan binds with the flag that sets it, in start order. */
    public Map<Integer, String> listenPorts() {
        Map<Integer, String> ports = new LinkedHashMap<>();
        ports.put(zkPort, "--zk-port");
        ports.put(masterPort, "--master-port");
        for (Agent a : agents) ports.put(a.port(), "--agent-port");
        return ports;
    }
}
