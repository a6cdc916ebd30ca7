package io.strata.lb.services;

import io.strata.lb.marathon.HealthCheck;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.render.TemplateName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the {@code HAPROXY_*} labels of one service port of an app into a {@link Service} (without backends).
 * Values that HAProxy could not use, or that would change the configuration beyond the service they belong to
 * (a line break in a host name...), throw {@link LabelException}: the app is skipped, the others are served.
 * Template labels ({@code HAPROXY_{n}_BACKEND_HEAD}...) are multi-line by design and checked when rendered.
 */
public final class ServiceLabels {
    public static final String GROUP = "HAPROXY_GROUP";
    public static final String DEPLOYMENT_GROUP = "HAPROXY_DEPLOYMENT_GROUP";
    public static final String DEPLOYMENT_ALT_PORT = "HAPROXY_DEPLOYMENT_ALT_PORT";
    public static final String DEPLOYMENT_COLOUR = "HAPROXY_DEPLOYMENT_COLOUR";
    public static final String DEPLOYMENT_STARTED_AT = "HAPROXY_DEPLOYMENT_STARTED_AT";
    public static final String DEPLOYMENT_TARGET_INSTANCES = "HAPROXY_DEPLOYMENT_TARGET_INSTANCES";
    public static final String DEPLOYMENT_NEW_INSTANCES = "HAPROXY_DEPLOYMENT_NEW_INSTANCES";
    public static final String APP_ID = "HAPROXY_APP_ID";

    private static final Pattern HOST = Pattern.compile("[a-z0-9*_.:\\[\\]-]+");
    private static final Pattern TOKEN = Pattern.compile("\\S+");
    private static final Pattern BALANCE = Pattern.compile("[A-Za-z0-9_.,()-]+( [A-Za-z0-9_.,()=-]+)*");

    private ServiceLabels() {}

    /** The per-port label {@code HAPROXY_{index}_{suffix}}, or null. */
    public static String label(MarathonApp app, int index, String suffix) {
        return app.label("HAPROXY_" + index + "_" + suffix);
    }

    /** marathon-lb's boolean: true, t, yes, y (any case); anything else is false. */
    public static boolean bool(String v) {
        if (v == null) return false;
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "t", "yes", "y" -> true;
            default -> false;
        };
    }

    /** Comma-separated names, trimmed, empty entries dropped. */
    public static List<String> csv(String v) {
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        for (String s : v.split(",")) {
            String t = s.trim();
            if (!t.isEmpty()) out.add(t);
        }
        return out;
    }

    public static Service parse(MarathonApp app, int index, int servicePort, boolean strictMode) {
        List<String> groups = csv(app.label(GROUP));
        String perPortGroup = label(app, index, "GROUP");
        if (perPortGroup != null) groups = csv(oneLine(perPortGroup, index, "GROUP"));

        boolean enabled = !strictMode;
        String v = label(app, index, "ENABLED");
        if (v != null) enabled = bool(v);

        int port = servicePort;
        v = label(app, index, "PORT");
        if (v != null) {
            port = integer(v, index, "PORT");
            if (port < 1 || port > 65_535) throw bad(index, "PORT", v, "a port is 1..65535");
        }

        List<String> vhosts = new ArrayList<>();
        v = label(app, index, "VHOST");
        if (v != null) {
            for (String h : csv(oneLine(v, index, "VHOST").toLowerCase(Locale.ROOT))) {
                if (!HOST.matcher(h).matches()) throw bad(index, "VHOST", v, "'" + h + "' is not a host name");
                vhosts.add(h);
            }
        }

        String path = optionalLine(app, index, "PATH");
        int weight = 0;
        if (path != null && path.isBlank()) throw bad(index, "PATH", path, "empty path");
        if (path != null) weight = 1; // marathon-lb: path rules go before host-only rules unless a weight says otherwise
        v = label(app, index, "BACKEND_WEIGHT");
        if (v != null) weight = integer(v, index, "BACKEND_WEIGHT");

        HealthCheck hc = app.healthCheckFor(index);
        String mode = hc != null && hc.isHttp() ? "http" : null;
        v = label(app, index, "MODE");
        if (v != null) {
            mode = v.trim().toLowerCase(Locale.ROOT);
            if (!mode.equals("http") && !mode.equals("tcp")) throw bad(index, "MODE", v, "mode is http or tcp");
        }

        String balance = "roundrobin";
        v = label(app, index, "BALANCE");
        if (v != null) {
            balance = oneLine(v, index, "BALANCE").trim();
            if (!BALANCE.matcher(balance).matches()) throw bad(index, "BALANCE", v, "not a balance algorithm");
        }

        String bindAddr = null; // the load balancer's --bind-address
        v = label(app, index, "BIND_ADDR");
        if (v != null) {
            bindAddr = oneLine(v, index, "BIND_ADDR").trim();
            if (!TOKEN.matcher(bindAddr).matches()) throw bad(index, "BIND_ADDR", v, "one address without spaces");
        }

        String auth = optionalLine(app, index, "AUTH");
        String realm = null, user = null, passwd = null;
        if (auth != null) {
            String[] parts = auth.split(":", -1);
            if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || parts[2].isEmpty()) {
                throw bad(index, "AUTH", auth, "expected realm:user:encrypted-password");
            }
            if (parts[0].contains("\"")) throw bad(index, "AUTH", auth, "the realm cannot contain a double quote");
            realm = parts[0];
            user = parts[1];
            passwd = parts[2];
        }

        Integer hcPortIndex = null;
        v = label(app, index, "BACKEND_HEALTHCHECK_PORT_INDEX");
        if (v != null) {
            hcPortIndex = integer(v, index, "BACKEND_HEALTHCHECK_PORT_INDEX");
            if (hcPortIndex < 0) throw bad(index, "BACKEND_HEALTHCHECK_PORT_INDEX", v, "an index is 0 or more");
        }
        if (hc == null && hcPortIndex != null) {
            hc = app.healthCheckFor(hcPortIndex);
            if (hc != null && hc.isHttp()) mode = "http";
        }

        Map<String, String> templates = new LinkedHashMap<>();
        String prefix = "HAPROXY_" + index + "_";
        for (Map.Entry<String, String> e : app.labels().entrySet()) {
            if (!e.getKey().startsWith(prefix)) continue;
            TemplateName t = TemplateName.byName(e.getKey().substring(prefix.length()));
            // HAPROXY_{n}_HTTP_BACKEND_REDIR is the redirect path, not a template (as in marathon-lb)
            if (t != null && t.overridable() && t != TemplateName.HTTP_BACKEND_REDIR) templates.put(t.name(), e.getValue().replace("\r\n", "\n"));
        }

        return new Service(app.id(), index, port, groups, enabled, vhosts, path, mode, balance,
                bool(label(app, index, "STICKY")), bool(label(app, index, "REDIRECT_TO_HTTPS")),
                bool(label(app, index, "USE_HSTS")), optionalLine(app, index, "SSL_CERT"),
                optionalLine(app, index, "BIND_OPTIONS"), bindAddr, weight,
                optionalLine(app, index, "BACKEND_NETWORK_ALLOWED_ACL"), realm, user, passwd,
                optionalToken(app, index, "HTTP_BACKEND_PROXYPASS_PATH"),
                optionalToken(app, index, "HTTP_BACKEND_REVPROXY_PATH"),
                optionalToken(app, index, "HTTP_BACKEND_REDIR"), hc, hcPortIndex, templates, List.of());
    }

    private static String optionalLine(MarathonApp app, int index, String suffix) {
        String v = label(app, index, suffix);
        return v == null ? null : oneLine(v, index, suffix).trim();
    }

    private static String optionalToken(MarathonApp app, int index, String suffix) {
        String v = optionalLine(app, index, suffix);
        if (v != null && !TOKEN.matcher(v).matches()) throw bad(index, suffix, v, "expected one path without spaces");
        return v;
    }

    private static String oneLine(String v, int index, String suffix) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\n' || c == '\r' || (c < 0x20 && c != '\t')) throw bad(index, suffix, v, "line breaks and control characters are not allowed");
        }
        return v;
    }

    private static int integer(String v, int index, String suffix) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(index, suffix, v, "not an integer");
        }
    }

    private static LabelException bad(int index, String suffix, String value, String why) {
        String shown = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return new LabelException("HAPROXY_" + index + "_" + suffix + "=" + quote(shown) + ": " + why);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }
}
