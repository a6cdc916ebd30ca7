package io.strata.lb.render;

import java.util.List;

/**
 * Everything about the load balancer itself that goes into haproxy.cfg.
 *
 * @param groups            {@code --group}: apps with one of these groups are served; "*" serves every app
 * @param bindHttpHttps     the virtual-host frontends are rendered (off with {@code --dont-bind-http-https})
 * @param sslCerts          certificates for the HTTPS frontend; none: no HTTPS frontend
 * @param haproxyMap        {@code --haproxy-map}: host and app-id lookups through map files instead of ACL lists
 * @param haproxyDir        where the map files are (the directory of haproxy.cfg)
 * @param bindAddr          address every frontend binds unless {@code HAPROXY_{n}_BIND_ADDR} says otherwise
 *                          ("*" as marathon-lb; Strata's default is 127.0.0.1)
 * @param httpPort          the HTTP virtual-host frontend (80)
 * @param httpsPort         the HTTPS virtual-host frontend (443)
 * @param statsPort         stats, health check, metrics and signals (9090)
 * @param appIdPort         the X-Marathon-App-Id frontend (9091); 0 leaves it out
 * @param servicePortOffset added to every service port frontend (0)
 * @param statsSocket       HAProxy's runtime API socket
 * @param serverStateFile   where server states are saved across reloads
 * @param apiAddress        the load balancer's own HTTP API, for the stats listener's {@code /_mlb_signal/*} routes
 * @param apiPort           its port
 * @param logTarget         HAProxy's log target ("/dev/log"), or null for no logging
 * @param defaultOptions    {@code option}s of the defaults section ({@code HAPROXY_GLOBAL_DEFAULT_OPTIONS})
 * @param maxconn           HAProxy's global maxconn: 50000 as marathon-lb, less when the open-files limit is lower
 */
public record RenderSettings(
        List<String> groups,
        boolean bindHttpHttps,
        List<String> sslCerts,
        boolean haproxyMap,
        String haproxyDir,
        String bindAddr,
        int httpPort,
        int httpsPort,
        int statsPort,
        int appIdPort,
        int servicePortOffset,
        String statsSocket,
        String serverStateFile,
        String apiAddress,
        int apiPort,
        String logTarget,
        List<String> defaultOptions,
        int maxconn) {

    public static final List<String> DEFAULT_OPTIONS = List.of("redispatch", "http-server-close", "dontlognull");

    public RenderSettings {
        groups = List.copyOf(groups);
        sslCerts = List.copyOf(sslCerts);
        defaultOptions = List.copyOf(defaultOptions);
    }

    /** marathon-lb's ports on 127.0.0.1, for tests: group "external", no certificates, files under {@code dir}. */
    public static RenderSettings defaults(String dir) {
        return new RenderSettings(List.of("external"), true, List.of(), false, dir, "127.0.0.1", 80, 443, 9090, 9091,
                0, dir + "/haproxy.sock", dir + "/haproxy.state", "127.0.0.1", 9089, null, DEFAULT_OPTIONS, 50_000);
    }

    public RenderSettings withGroups(List<String> g) {
        return new RenderSettings(g, bindHttpHttps, sslCerts, haproxyMap, haproxyDir, bindAddr, httpPort, httpsPort,
                statsPort, appIdPort, servicePortOffset, statsSocket, serverStateFile, apiAddress, apiPort, logTarget, defaultOptions, maxconn);
    }

    public RenderSettings withSslCerts(List<String> certs) {
        return new RenderSettings(groups, bindHttpHttps, certs, haproxyMap, haproxyDir, bindAddr, httpPort, httpsPort,
                statsPort, appIdPort, servicePortOffset, statsSocket, serverStateFile, apiAddress, apiPort, logTarget, defaultOptions, maxconn);
    }

    public RenderSettings withHaproxyMap(boolean map) {
        return new RenderSettings(groups, bindHttpHttps, sslCerts, map, haproxyDir, bindAddr, httpPort, httpsPort,
                statsPort, appIdPort, servicePortOffset, statsSocket, serverStateFile, apiAddress, apiPort, logTarget, defaultOptions, maxconn);
    }

    public RenderSettings withBindHttpHttps(boolean bind) {
        return new RenderSettings(groups, bind, sslCerts, haproxyMap, haproxyDir, bindAddr, httpPort, httpsPort,
                statsPort, appIdPort, servicePortOffset, statsSocket, serverStateFile, apiAddress, apiPort, logTarget, defaultOptions, maxconn);
    }

    public RenderSettings withPorts(int http, int https, int stats, int appId, int offset) {
        return new RenderSettings(groups, bindHttpHttps, sslCerts, haproxyMap, haproxyDir, bindAddr, http, https,
                stats, appId, offset, statsSocket, serverStateFile, apiAddress, apiPort, logTarget, defaultOptions, maxconn);
    }

    /**
     * marathon-lb's 50000 connections, or fewer when this process may not open enough files: HAProxy needs two
     * descriptors a connection and refuses to start when the hard limit is too low.
     */
    public static int maxconnForOpenFilesLimit(long hardLimit) {
        if (hardLimit <= 0) return 50_000;
        return (int) Math.max(256, Math.min(50_000, (hardLimit - 1_000) / 2));
    }

    /** The hard limit on open files of this process (Linux), or -1 when unknown or unlimited. */
    public static long openFilesHardLimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? -1 : Long.parseLong(f[1]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Whether the HTTPS virtual-host frontend is rendered. */
    public boolean https() {
        return bindHttpHttps && !sslCerts.isEmpty();
    }
}
