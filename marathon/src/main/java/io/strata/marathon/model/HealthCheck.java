package io.strata.marathon.model;

/**
 * One app health check, with Marathon's defaults already applied. HTTP, HTTPS and TCP checks are run by Marathon;
 * MESOS_HTTP, MESOS_HTTPS, MESOS_TCP and COMMAND are handed to the agent in TaskInfo.health_check.
 *
 * @param port      a fixed port, or null
 * @param portIndex index into the app's ports, or null
 * @param command   the shell command of a COMMAND check, or null
 * @param path      HTTP path, or null (then "/")
 * @param ignoreHttp1xx only meaningful for HTTP and HTTPS checks
 */
public record HealthCheck(String protocol, String ipProtocol, String path, Integer port, Integer portIndex, String command,
                          int gracePeriodSeconds, int intervalSeconds, int timeoutSeconds, int maxConsecutiveFailures,
                          int delaySeconds, boolean ignoreHttp1xx) {
    public static final int DEFAULT_GRACE = 300, DEFAULT_INTERVAL = 60, DEFAULT_TIMEOUT = 20, DEFAULT_MAX_FAILURES = 3, DEFAULT_DELAY = 15;

    public boolean runByMarathon() {
        return protocol.equals("HTTP") || protocol.equals("HTTPS") || protocol.equals("TCP");
    }

    public boolean runByMesos() {
        return !runByMarathon();
    }

    public HealthCheck withPortIndex(Integer idx) {
        return new HealthCheck(protocol, ipProtocol, path, port, idx, command, gracePeriodSeconds, intervalSeconds,
                timeoutSeconds, maxConsecutiveFailures, delaySeconds, ignoreHttp1xx);
    }
}
