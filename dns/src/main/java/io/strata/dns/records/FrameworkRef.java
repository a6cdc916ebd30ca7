package io.strata.dns.records;

/**
 * A framework as naming needs it: id, name, and where its scheduler runs. A framework that speaks the v1 HTTP API
 * has no PID, so only its {@code hostname} is known and {@code port} is 0 (no SRV record, as in Mesos-DNS).
 */
public record FrameworkRef(String id, String name, String host, int port) {
    public static FrameworkRef of(String id, String name, String pid, String hostname) {
        Pid p = Pid.parse(pid);
        return p != null ? new FrameworkRef(id, name, p.host(), p.port())
                : new FrameworkRef(id, name, hostname == null ? "" : hostname, 0);
    }
}
