package io.strata.gateway.services;

import io.strata.gateway.routing.RequestPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Resolves {@code /service/<path>} the way Admin Router does: the first one, two, ... (up to ten) path segments
 * are tried as a service name, each first against Marathon apps labelled {@code DCOS_SERVICE_NAME}, then against
 * the master's frameworks (by id, then by name). A framework without a web UI URL is looked up in Mesos-DNS
 * ({@code _<name>._tcp.marathon.mesos}). The name {@code marathon} is the root Marathon: its framework's web UI,
 * or the configured Marathon URL while it has not registered.
 */
public final class ServiceResolver {
    static final int MAX_LEVELS = 10;

    public sealed interface Resolution permits Found, NotFound, Unavailable {}

    /**
     * @param serviceName the normalised name that matched
     * @param prefix      the request path prefix that named the service ({@code /service/group/app}), encoded
     * @param upstream    base URL to forward to (scheme, host, port and maybe a path)
     * @param rewrite     strip {@code prefix} from the forwarded path (the default)
     */
    public record Found(String serviceName, String prefix, String upstream, boolean rewrite) implements Resolution {}

    public record NotFound(String message) implements Resolution {}

    /** The service exists but cannot be reached right now (no running task, DNS down). */
    public record Unavailable(String message) implements Resolution {}

    private final String rootMarathonUrl;
    private final Function<String, Optional<String>> srvLookup;

    /**
     * @param srvLookup a framework name → {@code http://ip:port} from Mesos-DNS SRV records; empty when there is
     *                  none; throws {@link java.io.UncheckedIOException} when Mesos-DNS cannot be asked
     */
    public ServiceResolver(String rootMarathonUrl, Function<String, Optional<String>> srvLookup) {
        this.rootMarathonUrl = rootMarathonUrl;
        this.srvLookup = srvLookup;
    }

    /** @param servicePath the encoded path after {@code /service/} */
    public Resolution resolve(String servicePath, ServiceApps apps, MesosDirectory mesos) {
        List<String> encoded = new ArrayList<>();
        for (String s : servicePath.split("/")) {
            if (!s.isEmpty()) encoded.add(s);
        }
        String firstName = encoded.isEmpty() ? "" : RequestPath.percentDecode(encoded.get(0));
        Unavailable unavailable = null;
        StringBuilder plain = new StringBuilder();
        StringBuilder prefix = new StringBuilder("/service");
        for (int i = 0; i < Math.min(MAX_LEVELS, encoded.size()); i++) {
            String segment = RequestPath.percentDecode(encoded.get(i));
            if (i > 0) plain.append('/');
            plain.append(segment);
            prefix.append('/').append(encoded.get(i));
            String name = ServiceNames.normalise(plain.toString());
            Resolution r = resolveName(name, prefix.toString(), apps, mesos);
            if (r instanceof Found) return r;
            if (r instanceof Unavailable u && unavailable == null) unavailable = u;
        }
        if (unavailable != null) return unavailable;
        return new NotFound("Service '" + firstName + "' not found: no Marathon app is labelled DCOS_SERVICE_NAME="
                + firstName + " and no Mesos framework has that name or id");
    }

    private Resolution resolveName(String name, String prefix, ServiceApps apps, MesosDirectory mesos) {
        if (!name.equals("marathon") && !name.equals("metronome")) {
            ServiceApps.App app = apps.app(name);
            if (app != null) {
                if (app.url() == null) {
                    return new Unavailable("Service '" + name + "' (Marathon app " + app.appId() + ") cannot be reached: "
                            + app.problem());
                }
                return new Found(name, prefix, app.url(), app.rewriteRequestUrls());
            }
        }
        MesosDirectory.Framework fw = mesos.framework(name);
        if (fw != null) {
            String webui = fw.webuiUrl();
            if (!webui.isEmpty()) return new Found(fw.name(), prefix, trimRootPath(webui), true);
            try {
                Optional<String> srv = srvLookup.apply(fw.name());
                if (srv.isPresent()) return new Found(fw.name(), prefix, srv.get(), true);
            } catch (java.io.UncheckedIOException e) {
                return new Unavailable("Service '" + name + "' has no web UI URL and Mesos-DNS could not be asked: "
                        + e.getCause().getMessage());
            }
            if (!name.equals("marathon")) {
                return new Unavailable("Service '" + name + "' (framework " + fw.id() + ") has no web UI URL");
            }
        }
        if (name.equals("marathon")) return new Found(name, prefix, rootMarathonUrl, true);
        return new NotFound("Service '" + name + "' not found");
    }

    /** {@code http://h:1/} forwards {@code /x} to {@code http://h:1/x}, not {@code http://h:1//x}. */
    static String trimRootPath(String url) {
        String u = url;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }
}
