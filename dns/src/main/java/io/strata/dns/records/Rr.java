package io.strata.dns.records;

/**
 * One resource record as Mesos-DNS thinks of it: an owner name (lower case, absolute, with the trailing dot) and a
 * value, the address for A and AAAA, {@code target:port} for SRV. This is also the shape {@code /v1/enumerate}
 * and {@code /v1/axfr} print.
 */
public record Rr(String name, Kind kind, String host, int port) {
    public enum Kind { A, AAAA, SRV }

    public static Rr a(String name, String ip) {
        return new Rr(name, Kind.A, ip, 0);
    }

    public static Rr aaaa(String name, String ip) {
        return new Rr(name, Kind.AAAA, ip, 0);
    }

    public static Rr address(String name, String ip) {
        return new Rr(name, ip.indexOf(':') >= 0 ? Kind.AAAA : Kind.A, ip, 0);
    }

    public static Rr srv(String name, String target, int port) {
        return new Rr(name, Kind.SRV, target, port);
    }

    /** The value as Mesos-DNS prints it: the address, or {@code target:port}. */
    public String value() {
        return kind == Kind.SRV ? host + ":" + port : host;
    }

    @Override
    public String toString() {
        return kind + " " + name + " " + value();
    }
}
