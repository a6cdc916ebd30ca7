package io.strata.lb.services;

import io.strata.lb.marathon.HealthCheck;
import java.util.List;
import java.util.Map;

/**
 * One service port of one app, with everything its labels say: what marathon-lb calls a service. Rendered as a
 * frontend on {@code servicePort}, a backend, and virtual-host rules when it has a VHOST.
 *
 * @param appId               Marathon app id ("/shop/web"), or the deployment group for blue/green apps
 * @param index               the {@code n} of {@code HAPROXY_{n}_*}
 * @param servicePort         the port to bind: Marathon's service port, or {@code HAPROXY_{n}_PORT}
 * @param groups              {@code HAPROXY_{n}_GROUP}, else the app's {@code HAPROXY_GROUP} (comma separated)
 * @param vhosts              {@code HAPROXY_{n}_VHOST}, lower case, in label order
 * @param mode                "http" or "tcp", or null for the default (http with a VHOST, else tcp)
 * @param healthCheck         the Marathon health check for this port (or the one at BACKEND_HEALTHCHECK_PORT_INDEX)
 * @param templates           per-service template overrides ({@code HAPROXY_{n}_BACKEND_HEAD} → "BACKEND_HEAD")
 */
public record Service(
        String appId,
        int index,
        int servicePort,
        List<String> groups,
        boolean enabled,
        List<String> vhosts,
        String path,
        String mode,
        String balance,
        boolean sticky,
        boolean redirectToHttps,
        boolean useHsts,
        String sslCert,
        String bindOptions,
        String bindAddr,
        int backendWeight,
        String networkAllowed,
        String authRealm,
        String authUser,
        String authPasswd,
        String proxyPath,
        String revProxyPath,
        String redirPath,
        HealthCheck healthCheck,
        Integer healthCheckPortIndex,
        Map<String, String> templates,
        List<Backend> backends) {

    public Service {
        groups = List.copyOf(groups);
        vhosts = List.copyOf(vhosts);
        templates = Map.copyOf(templates);
        backends = List.copyOf(backends);
    }

    /** The mode HAProxy uses: the label's, else http for virtual hosts, else tcp. */
    public String effectiveMode() {
        if (mode != null) return mode;
        return vhosts.isEmpty() ? "tcp" : "http";
    }

    /** marathon-lb's backend (and frontend) name: the app id without its leading slash, '/' as '_', then the port. */
    public String backendName() {
        return appId.substring(1).replace('/', '_') + "_" + servicePort;
    }

    /** The VHOST label as marathon-lb keeps it: the host names joined by commas. */
    public String hostname() {
        return vhosts.isEmpty() ? null : String.join(",", vhosts);
    }

    public String template(String name) {
        return templates.get(name);
    }

    public Service withBackends(List<Backend> b) {
        return new Service(appId, index, servicePort, groups, enabled, vhosts, path, mode, balance, sticky,
                redirectToHttps, useHsts, sslCert, bindOptions, bindAddr, backendWeight, networkAllowed, authRealm,
                authUser, authPasswd, proxyPath, revProxyPath, redirPath, healthCheck, healthCheckPortIndex, templates, b);
    }
}
