package io.strata.dns.records;

/** {@code host:port}, {@code [v6]:port} or {@code v6-literal} (no port) parsing without any lookup. */
public record HostPort(String host, int port) {
    /** The parsed pair, or null when the text is not {@code host:port} with a port in 1..65535. */
    public static HostPort parse(String text) {
        if (text == null) return null;
        String s = text.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') return null;
            host = s.substring(1, close);
            port = s.substring(close + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) return null;
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        if (host.isEmpty() || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) return null;
        int p = Integer.parseInt(port);
        return p >= 1 && p <= 65535 ? new HostPort(host, p) : null;
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
