package io.strata.dns.records;

/**
 * An agent as naming needs it: its id, and the host and port of its libprocess PID ({@code slave(1)@host:port}),
 * which is where Mesos-DNS takes an agent's address from.
 */
public record AgentRef(String id, String host, int port) {
    /** From a PID {@code name@host:port}; falls back to the given host name and port when there is none. */
    public static AgentRef of(String id, String pid, String hostname, int port) {
        Pid p = Pid.parse(pid);
        return p != null ? new AgentRef(id, p.host(), p.port()) : new AgentRef(id, hostname == null ? "" : hostname, port);
    }
}
