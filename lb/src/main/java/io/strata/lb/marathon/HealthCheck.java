package io.strata.lb.marathon;

/**
 * The parts of a Marathon health check the load balancer uses: which port it watches, and the numbers
 * exposed to the {@code *_HEALTHCHECK_OPTIONS} templates.
 *
 * @param protocol  HTTP, HTTPS, TCP, COMMAND, MESOS_HTTP, MESOS_HTTPS, MESOS_TCP
 * @param portIndex index into the app's ports, or null
 * @param port      a fixed port, or null
 * @param path      HTTP path ("/" when absent)
 */
public record HealthCheck(String protocol, Integer portIndex, Integer port, String path, int timeoutSeconds,
                          int intervalSeconds, int gracePeriodSeconds, int maxConsecutiveFailures) {

    public HealthCheck {
        protocol = protocol == null ? "HTTP" : protocol.toUpperCase(java.util.Locale.ROOT);
        if (path == null || path.isEmpty()) path = "/";
    }

    /** Whether HAProxy should speak HTTP to a port checked this way. */
    public boolean isHttp() {
        return switch (protocol) {
            case "HTTP", "HTTPS", "MESOS_HTTP", "MESOS_HTTPS" -> true;
            default -> false;
        };
    }

    public boolean isTcp() {
        return protocol.equals("TCP") || protocol.equals("MESOS_TCP");
    }
}
