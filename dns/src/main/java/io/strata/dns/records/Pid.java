package io.strata.dns.records;

/** A libprocess PID, {@code id@host:port} (the host may be a bracketed IPv6 literal). */
public record Pid(String id, String host, int port) {
    /** The parsed PID, or null when the text is not one. */
    public static Pid parse(String pid) {
        if (pid == null) return null;
        String s = pid.trim();
        int at = s.indexOf('@');
        if (at <= 0) return null;
        HostPort hp = HostPort.parse(s.substring(at + 1));
        return hp == null ? null : new Pid(s.substring(0, at), hp.host(), hp.port());
    }
}
