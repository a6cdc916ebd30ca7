package io.strata.gateway.routing;

import io.strata.gateway.routing.Route.Local.Kind;
import io.strata.gateway.routing.Route.Upstream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps a normalised request path to a {@link Route}, as Admin Router's locations do on a DC/OS master. Pure:
 * resolving service names and agent ids happens later, against the cluster's state.
 */
public final class Router {
    private static final Pattern AGENT = Pattern.compile("^/(?:agent|slave)/([0-9a-zA-Z-]+)(/.*)?$");
    private static final Pattern SERVICE_NO_SLASH = Pattern.compile("^/service/([0-9a-zA-Z.-]+)$");

    private final boolean hasUi;

    public Router(boolean hasUi) {
        this.hasUi = hasUi;
    }

    public Route route(String path) {
        if (path.equals("/mesos") || path.equals("/marathon") || path.equals("/mesos_dns")) {
            return new Route.Redirect(path + "/", 307);
        }
        if (path.startsWith("/mesos/")) return new Route.Fixed(Upstream.MESOS, rest(path, "/mesos"), "mesos");
        if (path.startsWith("/marathon/")) return new Route.Fixed(Upstream.MARATHON, rest(path, "/marathon"), "marathon");
        if (path.startsWith("/system/v1/leader/mesos")) {
            return new Route.Fixed(Upstream.MESOS, orRoot(rest(path, "/system/v1/leader/mesos")), "mesos");
        }
        if (path.startsWith("/system/v1/leader/marathon")) {
            return new Route.Fixed(Upstream.MARATHON, orRoot(rest(path, "/system/v1/leader/marathon")), "marathon");
        }
        if (path.startsWith("/mesos_dns/")) return new Route.Fixed(Upstream.MESOS_DNS, rest(path, "/mesos_dns"), "mesos_dns");
        // Cosmos serves /package/* and /capabilities itself; /cosmos/service/* is its /service/* API.
        if (path.startsWith("/package/") || path.equals("/capabilities") || path.startsWith("/capabilities/")) {
            return new Route.Fixed(Upstream.COSMOS, path, "cosmos");
        }
        if (path.startsWith("/cosmos/service/")) return new Route.Fixed(Upstream.COSMOS, rest(path, "/cosmos"), "cosmos");
        Matcher noSlash = SERVICE_NO_SLASH.matcher(path);
        if (noSlash.matches()) return new Route.Redirect(path + "/", 301);
        if (path.startsWith("/service/")) {
            String servicePath = path.substring("/service/".length());
            if (servicePath.isEmpty()) return new Route.NotFound("no service named: use /service/<name>/");
            return new Route.Service(servicePath);
        }
        Matcher agent = AGENT.matcher(path);
        if (agent.matches()) return new Route.Agent(agent.group(1), agent.group(2) == null ? "/" : agent.group(2));
        switch (path) {
            case "/dcos-metadata/dcos-version.json" -> {
                return new Route.Local(Kind.DCOS_VERSION);
            }
            case "/system/health/v1", "/system/health/v1/" -> {
                return new Route.Local(Kind.HEALTH);
            }
            case "/system/health/v1/units", "/system/health/v1/units/" -> {
                return new Route.Local(Kind.HEALTH_UNITS);
            }
            default -> { }
        }
        if (hasUi) return new Route.Ui(path);
        if (path.equals("/")) return new Route.Local(Kind.INDEX);
        return new Route.NotFound("nothing is routed at " + path);
    }

    private static String rest(String path, String prefix) {
        return path.substring(prefix.length());
    }

    private static String orRoot(String p) {
        return p.isEmpty() ? "/" : p;
    }
}
