package io.strata.lb.render;

import io.strata.lb.marathon.HealthCheck;
import io.strata.lb.services.Backend;
import io.strata.lb.services.LabelException;
import io.strata.lb.services.Service;
import io.strata.lb.services.Skipped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Services → haproxy.cfg, the way marathon-lb lays it out: the global head, userlists, the HTTP virtual-host
 * frontend (host and path rules, heaviest {@code BACKEND_WEIGHT} first), the X-Marathon-App-Id frontend, the HTTPS
 * frontend (SNI rules), then one frontend per service port and one backend per service. A pure function: the same
 * services and settings always give the same bytes, so an unchanged configuration is never reloaded.
 *
 * <p>An app whose templates cannot be filled in, or whose service port is taken (by an app sorted before it or by
 * one of the load balancer's own frontends), is left out with the reason in {@link RenderedConfig#skipped()}.
 */
public final class ConfigRenderer {
    private ConfigRenderer() {}

    public static RenderedConfig render(List<Service> services, RenderSettings s, Templates t) {
        return render(services, s, t, List.of());
    }

    /** Renders {@code services}; {@code alreadySkipped} (apps the labels ruled out) is carried into the result. */
    public static RenderedConfig render(List<Service> services, RenderSettings s, Templates t, List<Skipped> alreadySkipped) {
        List<Service> sorted = new ArrayList<>(services);
        sorted.sort(Comparator.comparing(Service::appId).thenComparingInt(Service::servicePort));
        Map<String, List<Service>> byApp = new LinkedHashMap<>();
        for (Service svc : sorted) byApp.computeIfAbsent(svc.appId(), k -> new ArrayList<>()).add(svc);

        List<Skipped> skipped = new ArrayList<>(alreadySkipped);
        Ports ports = new Ports();
        if (s.bindHttpHttps()) ports.claim(s.bindAddr(), s.httpPort(), "the HTTP virtual-host frontend");
        if (s.https()) ports.claim(s.bindAddr(), s.httpsPort(), "the HTTPS virtual-host frontend");
        ports.claim(s.bindAddr(), s.statsPort(), "the stats listener");
        if (s.appIdPort() > 0) ports.claim(s.bindAddr(), s.appIdPort(), "the X-Marathon-App-Id frontend");

        Set<String> groups = Set.copyOf(s.groups());
        List<AppOut> outs = new ArrayList<>();
        for (Map.Entry<String, List<Service>> e : byApp.entrySet()) {
            List<Service> mine = e.getValue().stream().filter(svc -> svc.enabled() && inGroups(groups, svc.groups())).toList();
            if (mine.isEmpty()) continue;
            try {
                List<RenderedConfig.Bind> binds = new ArrayList<>();
                for (Service svc : mine) {
                    RenderedConfig.Bind b = new RenderedConfig.Bind(svc.appId(), bindAddr(svc, s), svc.servicePort() + s.servicePortOffset());
                    String holder = ports.holder(b.address(), b.port());
                    if (holder == null) holder = binds.stream().anyMatch(o -> Ports.overlaps(o, b)) ? "another port of this app" : null;
                    if (holder != null) {
                        throw new LabelException("service port " + b.address() + ":" + b.port() + " is already used by " + holder);
                    }
                    if (b.port() < 1 || b.port() > 65_535) throw new LabelException("service port " + b.port() + " is out of range");
                    binds.add(b);
                }
                AppOut out = renderApp(e.getKey(), e.getValue(), mine, s, t);
                out.binds.addAll(binds);
                for (RenderedConfig.Bind b : binds) ports.claim(b.address(), b.port(), "app " + e.getKey());
                outs.add(out);
            } catch (TemplateException | LabelException ex) {
                skipped.add(new Skipped(e.getKey(), ex.getMessage()));
            }
        }
        return assemble(outs, s, t, skipped);
    }

    /** marathon-lb's group rule: "*" takes everything; otherwise the service needs a group the load balancer has. */
    static boolean inGroups(Set<String> lbGroups, List<String> serviceGroups) {
        if (lbGroups.contains("*")) return true;
        for (String g : serviceGroups) if (lbGroups.contains(g)) return true;
        return false;
    }

    static String bindAddr(Service svc, RenderSettings s) {
        return svc.bindAddr() != null ? svc.bindAddr() : s.bindAddr();
    }

    /** Host names and app ids in ACL names: everything but letters, digits and '-' becomes '_'. */
    static String clean(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ? c : '_');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ one app

    /** Everything one app contributes, kept apart so a failing app leaves no trace. */
    private static final class AppOut {
        final String appId;
        final StringBuilder userlists = new StringBuilder();
        final StringBuilder frontends = new StringBuilder();
        final StringBuilder backends = new StringBuilder();
        final StringBuilder appIdAcls = new StringBuilder();
        final List<Weighted> http = new ArrayList<>();
        final List<Weighted> https = new ArrayList<>();
        final Map<String, String> domainMap = new LinkedHashMap<>();
        final Map<String, String> appMap = new LinkedHashMap<>();
        final List<String> proxies = new ArrayList<>();
        final List<RenderedConfig.Bind> binds = new ArrayList<>();
        final List<String[]> serverRefs = new ArrayList<>();
        final List<RenderedConfig.BackendRef> backendRefs = new ArrayList<>();
        String httpMapLine;
        String httpsMapLine;
        String appIdMapLine;
        int servers;

        AppOut(String appId) {
            this.appId = appId;
        }
    }

    private record Weighted(int weight, String owner, String text) {}

    private static AppOut renderApp(String appId, List<Service> all, List<Service> mine, RenderSettings s, Templates t) {
        AppOut out = new AppOut(appId);
        boolean appIdDone = false;
        for (Service svc : mine) {
            String backend = svc.backendName();
            String mode = svc.effectiveMode();
            String bindAddr = bindAddr(svc, s);
            out.proxies.add(backend);
            out.backendRefs.add(new RenderedConfig.BackendRef(svc.index(), backend));

            if (svc.authUser() != null) {
                out.userlists.append(fmt(t, TemplateName.USERLIST_HEAD, svc,
                        Map.of("backend", backend, "user", svc.authUser(), "passwd", svc.authPasswd())));
                out.proxies.add("user_" + backend);
            }
            out.frontends.append(fmt(t, TemplateName.FRONTEND_HEAD, svc, Map.of(
                    "bindAddr", bindAddr, "backend", backend, "servicePort", svc.servicePort() + s.servicePortOffset(),
                    "mode", mode, "sslCert", svc.sslCert() != null ? " ssl crt " + svc.sslCert() : "",
                    "bindOptions", svc.bindOptions() != null ? " " + svc.bindOptions() : "")));
            out.backends.append(fmt(t, TemplateName.BACKEND_HEAD, svc,
                    Map.of("backend", backend, "balance", svc.balance(), "mode", mode)));

            if (s.bindHttpHttps() && !svc.vhosts().isEmpty()) vhostRules(out, svc, backend, bindAddr, s, t);

            if (mode.equals("http") && !appIdDone && s.appIdPort() > 0) {
                appIdDone = true;
                if (s.haproxyMap()) {
                    if (out.appIdMapLine == null) {
                        out.appIdMapLine = fmt(t, TemplateName.MAP_HTTP_FRONTEND_APPID_ACL, svc, Map.of("haproxy_dir", s.haproxyDir()));
                    }
                    out.appMap.putIfAbsent(svc.appId(), backend);
                } else {
                    Map<String, Object> p = new HashMap<>();
                    p.put("cleanedUpAppId", clean(svc.appId()));
                    p.put("hostname", svc.hostname());
                    p.put("appId", svc.appId());
                    p.put("backend", backend);
                    out.appIdAcls.append(fmt(t, TemplateName.HTTP_FRONTEND_APPID_ACL, svc, p));
                }
            }

            if (mode.equals("http")) {
                if (svc.useHsts()) out.backends.append(verbatim(t, TemplateName.BACKEND_HSTS_OPTIONS, svc));
                out.backends.append(verbatim(t, TemplateName.BACKEND_HTTP_OPTIONS, svc));
                if (svc.proxyPath() != null) {
                    out.backends.append(fmt(t, TemplateName.HTTP_BACKEND_PROXYPASS_GLUE, svc,
                            params("hostname", svc.hostname(), "proxypath", svc.proxyPath())));
                }
                if (svc.revProxyPath() != null) {
                    out.backends.append(fmt(t, TemplateName.HTTP_BACKEND_REVPROXY_GLUE, svc,
                            params("hostname", svc.hostname(), "rootpath", svc.revProxyPath())));
                }
                if (svc.redirPath() != null) {
                    out.backends.append(fmt(t, TemplateName.HTTP_BACKEND_REDIR, svc,
                            params("hostname", svc.hostname(), "redirpath", svc.redirPath())));
                }
            }
            if (svc.networkAllowed() != null && !svc.networkAllowed().isBlank()) {
                boolean http = mode.equals("http");
                for (String net : svc.networkAllowed().trim().split("\\s+")) {
                    out.backends.append(fmt(t, http ? TemplateName.HTTP_BACKEND_NETWORK_ALLOWED_ACL
                            : TemplateName.TCP_BACKEND_NETWORK_ALLOWED_ACL, svc, Map.of("network_allowed", net)));
                }
                out.backends.append(verbatim(t, http ? TemplateName.HTTP_BACKEND_ACL_ALLOW_DENY
                        : TemplateName.TCP_BACKEND_ACL_ALLOW_DENY, svc));
            }
            if (svc.sticky()) out.backends.append(verbatim(t, TemplateName.BACKEND_STICKY_OPTIONS, svc));
            out.frontends.append(fmt(t, TemplateName.FRONTEND_BACKEND_GLUE, svc, Map.of("backend", backend)));

            servers(out, all, svc, mode, t);
        }
        return out;
    }

    private static void servers(AppOut out, List<Service> all, Service svc, String mode, Templates t) {
        HealthCheck hc = svc.healthCheck();
        TemplateName backendCheck = null;
        TemplateName serverCheck = null;
        if (hc != null) {
            if (mode.equals("tcp") || hc.isTcp()) {
                backendCheck = TemplateName.BACKEND_TCP_HEALTHCHECK_OPTIONS;
                serverCheck = TemplateName.BACKEND_SERVER_TCP_HEALTHCHECK_OPTIONS;
            } else {
                backendCheck = TemplateName.BACKEND_HTTP_HEALTHCHECK_OPTIONS;
                serverCheck = TemplateName.BACKEND_SERVER_HTTP_HEALTHCHECK_OPTIONS;
            }
        }
        Set<Integer> taken = new HashSet<>();
        List<Backend> backends = svc.backends();
        for (int idx = 0; idx < backends.size(); idx++) {
            Backend b = backends.get(idx);
            if (idx == 0 && backendCheck != null) {
                out.backends.append(fmt(t, backendCheck, svc, checkParams(hc, backendPort(all, svc, idx))));
            }
            String serverName = serverName(b.host(), b.ip(), b.port());
            int id = ServerIds.next(serverName, taken);
            String checkOptions = "";
            if (serverCheck != null) {
                String text = t.forService(serverCheck, svc).strip();
                if (!text.isEmpty()) {
                    Integer port = svc.healthCheckPortIndex() != null ? Integer.valueOf(backendPort(all, svc, idx)) : hc.port();
                    checkOptions = Template.format(" " + text, checkParams(hc, port));
                }
            }
            Map<String, Object> p = new HashMap<>();
            p.put("host", b.host());
            p.put("host_ipv4", b.ip());
            p.put("port", b.port());
            p.put("serverName", serverName);
            p.put("serverId", id);
            p.put("cookieOptions", svc.sticky() ? " check cookie " + ServerIds.cookie(serverName) : "");
            p.put("healthCheckOptions", checkOptions);
            p.put("otherOptions", b.draining() ? " disabled" : "");
            out.backends.append(fmt(t, TemplateName.BACKEND_SERVER_OPTIONS, svc, p));
            out.serverRefs.add(new String[] {b.ip() + ":" + b.port(), svc.backendName() + "/" + serverName});
            out.servers++;
        }
    }

    /** marathon-lb's server name: host, address and port with every other character as '_' (the host once when it is the address). */
    public static String serverName(String host, String ip, int port) {
        return host.equals(ip) ? clean(ip + "_" + port) : clean(host + "_" + ip + "_" + port);
    }

    /**
     * The port HAProxy checks for the {@code idx}-th server: its own, or with
     * {@code HAPROXY_{n}_BACKEND_HEALTHCHECK_PORT_INDEX} the same server's port of that other service of the app.
     */
    private static int backendPort(List<Service> all, Service svc, int idx) {
        Integer other = svc.healthCheckPortIndex();
        if (other != null && other < all.size()) {
            List<Backend> theirs = all.get(other).backends();
            if (idx < theirs.size()) return theirs.get(idx).port();
        }
        return svc.backends().get(idx).port();
    }

    private static Map<String, Object> checkParams(HealthCheck hc, Integer port) {
        Map<String, Object> p = new HashMap<>();
        p.put("healthCheckPortIndex", hc.portIndex());
        p.put("healthCheckPort", port);
        p.put("healthCheckProtocol", hc.protocol());
        p.put("healthCheckPath", hc.path());
        p.put("healthCheckTimeoutSeconds", hc.timeoutSeconds());
        p.put("healthCheckIntervalSeconds", hc.intervalSeconds());
        p.put("healthCheckGracePeriodSeconds", hc.gracePeriodSeconds());
        p.put("healthCheckMaxConsecutiveFailures", hc.maxConsecutiveFailures());
        p.put("healthCheckFalls", hc.maxConsecutiveFailures() + 1);
        p.put("healthCheckPortOptions", port != null && port != 0 ? " port " + port : "");
        return p;
    }

    // ------------------------------------------------------------------ virtual hosts

    private static void vhostRules(AppOut out, Service svc, String backend, String bindAddr, RenderSettings s, Templates t) {
        List<String> vhosts = svc.vhosts();
        boolean path = svc.path() != null;
        boolean auth = svc.authRealm() != null;
        boolean redirect = svc.redirectToHttps();
        boolean map = s.haproxyMap();
        int weight = svc.backendWeight();
        String aclName = clean(vhosts.get(0)) + "_" + svc.appId().substring(1).replace('/', '_');
        StringBuilder http = new StringBuilder();
        StringBuilder https = new StringBuilder();

        if (vhosts.size() > 1) {
            if (path) {
                Map<String, Object> p = vhostParams(svc, backend, aclName, vhosts.get(0), bindAddr);
                http.append(fmt(t, auth ? TemplateName.HTTP_FRONTEND_ACL_ONLY_WITH_PATH_AND_AUTH
                        : TemplateName.HTTP_FRONTEND_ACL_ONLY_WITH_PATH, svc, p));
                https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL_ONLY_WITH_PATH, svc, p));
            }
            for (String host : vhosts) {
                Map<String, Object> p = vhostParams(svc, backend, aclName, host, bindAddr);
                if (map && !path && !auth && !redirect) {
                    if (out.httpMapLine == null) {
                        out.httpMapLine = fmt(t, TemplateName.MAP_HTTP_FRONTEND_ACL_ONLY, svc, Map.of("haproxy_dir", s.haproxyDir()));
                    }
                    out.domainMap.putIfAbsent(host, backend);
                } else {
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL_ONLY, svc, p));
                }
                if (path) {
                    https.append(fmt(t, auth ? TemplateName.HTTPS_FRONTEND_ACL_WITH_AUTH_AND_PATH
                            : TemplateName.HTTPS_FRONTEND_ACL_WITH_PATH, svc, p));
                } else if (auth) {
                    https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL_WITH_AUTH, svc, p));
                } else if (map) {
                    if (out.httpsMapLine == null) {
                        out.httpsMapLine = fmt(t, TemplateName.MAP_HTTPS_FRONTEND_ACL, svc, Map.of("haproxy_dir", s.haproxyDir()));
                    }
                    out.domainMap.putIfAbsent(host, backend);
                } else {
                    https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL, svc, p));
                }
            }
            Map<String, Object> p = vhostParams(svc, backend, aclName, vhosts.get(0), bindAddr);
            if (redirect) {
                http.append(fmt(t, path ? TemplateName.BACKEND_REDIRECT_HTTP_TO_HTTPS_WITH_PATH
                        : TemplateName.BACKEND_REDIRECT_HTTP_TO_HTTPS, svc, p));
            } else if (path) {
                http.append(fmt(t, auth ? TemplateName.HTTP_FRONTEND_ROUTING_ONLY_WITH_PATH_AND_AUTH
                        : TemplateName.HTTP_FRONTEND_ROUTING_ONLY_WITH_PATH, svc, p));
            } else if (auth) {
                http.append(fmt(t, TemplateName.HTTP_FRONTEND_ROUTING_ONLY_WITH_AUTH, svc, p));
            } else if (!map) {
                http.append(fmt(t, TemplateName.HTTP_FRONTEND_ROUTING_ONLY, svc, p));
            }
        } else {
            String host = vhosts.get(0);
            Map<String, Object> p = vhostParams(svc, backend, aclName, host, bindAddr);
            if (path) {
                if (redirect) {
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL_ONLY, svc, p));
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL_ONLY_WITH_PATH, svc, p));
                    http.append(fmt(t, TemplateName.BACKEND_REDIRECT_HTTP_TO_HTTPS_WITH_PATH, svc, p));
                } else {
                    http.append(fmt(t, auth ? TemplateName.HTTP_FRONTEND_ACL_WITH_AUTH_AND_PATH
                            : TemplateName.HTTP_FRONTEND_ACL_WITH_PATH, svc, p));
                }
                https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL_ONLY_WITH_PATH, svc, p));
                https.append(fmt(t, auth ? TemplateName.HTTPS_FRONTEND_ACL_WITH_AUTH_AND_PATH
                        : TemplateName.HTTPS_FRONTEND_ACL_WITH_PATH, svc, p));
            } else {
                if (redirect) {
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL, svc, p));
                    http.append(fmt(t, TemplateName.BACKEND_REDIRECT_HTTP_TO_HTTPS, svc, p));
                } else if (auth) {
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL_WITH_AUTH, svc, p));
                } else if (map) {
                    if (out.httpMapLine == null) {
                        out.httpMapLine = fmt(t, TemplateName.MAP_HTTP_FRONTEND_ACL, svc, Map.of("haproxy_dir", s.haproxyDir()));
                    }
                    out.domainMap.putIfAbsent(host, backend);
                } else {
                    http.append(fmt(t, TemplateName.HTTP_FRONTEND_ACL, svc, p));
                }
                if (auth) {
                    https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL_WITH_AUTH, svc, p));
                } else if (map) {
                    if (out.httpsMapLine == null) {
                        out.httpsMapLine = fmt(t, TemplateName.MAP_HTTPS_FRONTEND_ACL, svc, Map.of("haproxy_dir", s.haproxyDir()));
                    }
                    out.domainMap.putIfAbsent(host, backend);
                } else {
                    https.append(fmt(t, TemplateName.HTTPS_FRONTEND_ACL, svc, p));
                }
            }
        }
        if (!http.isEmpty()) out.http.add(new Weighted(weight, svc.appId(), http.toString()));
        if (!https.isEmpty()) out.https.add(new Weighted(weight, svc.appId(), https.toString()));
    }

    private static Map<String, Object> vhostParams(Service svc, String backend, String aclName, String host, String bindAddr) {
        Map<String, Object> p = new HashMap<>();
        p.put("cleanedUpHostname", aclName);
        p.put("hostname", host);
        p.put("appId", svc.appId());
        p.put("backend", backend);
        p.put("path", svc.path());
        p.put("realm", svc.authRealm());
        p.put("bindAddr", bindAddr);
        return p;
    }

    // ------------------------------------------------------------------ assembly

    private static RenderedConfig assemble(List<AppOut> outs, RenderSettings s, Templates t, List<Skipped> skipped) {
        Lines cfg = new Lines();
        Map<String, Object> globals = globals(s);
        cfg.add(null, Template.substitute(t.global(TemplateName.HEAD), globals));
        for (AppOut o : outs) cfg.add(o.appId, o.userlists.toString());

        Map<String, String> domainMap = new LinkedHashMap<>();
        Map<String, String> appMap = new LinkedHashMap<>();
        for (AppOut o : outs) {
            o.domainMap.forEach(domainMap::putIfAbsent);
            o.appMap.forEach(appMap::putIfAbsent);
        }
        if (s.bindHttpHttps()) {
            cfg.add(null, Template.substitute(t.global(TemplateName.HTTP_FRONTEND_HEAD), globals));
            List<Weighted> http = new ArrayList<>();
            for (AppOut o : outs) http.addAll(o.http);
            outs.stream().filter(o -> o.httpMapLine != null).findFirst()
                    .ifPresent(o -> http.add(new Weighted(-1, null, o.httpMapLine)));
            http.sort(Comparator.comparingInt(Weighted::weight).reversed());
            for (Weighted w : http) cfg.add(w.owner(), w.text());
        }
        if (s.appIdPort() > 0) {
            cfg.add(null, Template.substitute(t.global(TemplateName.HTTP_FRONTEND_APPID_HEAD), globals));
            for (AppOut o : outs) cfg.add(o.appId, o.appIdAcls.toString());
            outs.stream().filter(o -> o.appIdMapLine != null).findFirst().ifPresent(o -> cfg.add(null, o.appIdMapLine));
        }
        if (s.https()) {
            cfg.add(null, Template.format(t.global(TemplateName.HTTPS_FRONTEND_HEAD), globals));
            List<Weighted> https = new ArrayList<>();
            for (AppOut o : outs) https.addAll(o.https);
            outs.stream().filter(o -> o.httpsMapLine != null).findFirst()
                    .ifPresent(o -> https.add(new Weighted(-1, null, o.httpsMapLine)));
            https.sort(Comparator.comparingInt(Weighted::weight).reversed());
            for (Weighted w : https) cfg.add(w.owner(), w.text());
        }
        for (AppOut o : outs) cfg.add(o.appId, o.frontends.toString());
        for (AppOut o : outs) cfg.add(o.appId, o.backends.toString());

        Map<String, String> proxyOwners = new HashMap<>();
        List<RenderedConfig.Bind> binds = new ArrayList<>();
        Set<String> apps = new LinkedHashSet<>();
        int servers = 0;
        Map<String, List<String>> byAddress = new HashMap<>();
        Map<String, List<RenderedConfig.BackendRef>> backendsByApp = new HashMap<>();
        for (AppOut o : outs) {
            backendsByApp.put(o.appId, List.copyOf(o.backendRefs));
            for (String[] ref : o.serverRefs) byAddress.computeIfAbsent(ref[0], k -> new ArrayList<>()).add(ref[1]);
            for (String p : o.proxies) proxyOwners.put(p, o.appId);
            binds.addAll(o.binds);
            apps.add(o.appId);
            servers += o.servers;
        }
        return new RenderedConfig(cfg.text(), mapFile(s.haproxyMap(), domainMap), mapFile(s.haproxyMap(), appMap),
                cfg.owners(), Map.copyOf(proxyOwners), List.copyOf(binds), Set.copyOf(apps), List.copyOf(skipped), servers,
                Map.copyOf(byAddress), Map.copyOf(backendsByApp));
    }

    /** The placeholders every global template may use. */
    static Map<String, Object> globals(RenderSettings s) {
        Map<String, Object> g = new HashMap<>();
        g.put("bindAddr", s.bindAddr());
        g.put("statsBindAddr", s.bindAddr());
        g.put("httpPort", s.httpPort());
        g.put("httpsPort", s.httpsPort());
        g.put("statsPort", s.statsPort());
        g.put("appIdPort", s.appIdPort());
        g.put("statsSocket", s.statsSocket());
        g.put("serverStateFile", s.serverStateFile());
        g.put("apiAddress", s.apiAddress());
        g.put("apiPort", s.apiPort());
        g.put("haproxy_dir", s.haproxyDir());
        g.put("maxconn", s.maxconn());
        StringBuilder sslCerts = new StringBuilder();
        for (String c : s.sslCerts()) sslCerts.append(sslCerts.isEmpty() ? "" : " ").append("crt ").append(c);
        g.put("sslCerts", sslCerts.toString());
        g.put("globalLog", s.logTarget() == null ? ""
                : "  log " + s.logTarget() + " local0\n  log " + s.logTarget() + " local1 notice\n");
        StringBuilder options = new StringBuilder();
        for (String o : s.defaultOptions()) {
            if (o.isBlank()) continue;
            // a connection refused by a task that is being killed goes to another server at once, not after 3 retries
            String option = o.trim().equals("redispatch") ? "redispatch 1" : o.trim();
            options.append("  option ").append(option).append('\n');
        }
        g.put("defaultOptions", options.toString());
        return g;
    }

    private static String mapFile(boolean enabled, Map<String, String> entries) {
        if (!enabled) return "";
        StringBuilder b = new StringBuilder();
        entries.forEach((k, v) -> b.append(k).append(' ').append(v).append('\n'));
        return b.toString();
    }

    private static String fmt(Templates t, TemplateName name, Service svc, Map<String, ?> params) {
        try {
            return Template.format(t.forService(name, svc), params);
        } catch (TemplateException e) {
            String where = svc.template(name.name()) != null ? "HAPROXY_" + svc.index() + "_" + name.name() : "HAPROXY_" + name.name();
            throw new TemplateException(where + ": " + e.getMessage());
        }
    }

    private static String verbatim(Templates t, TemplateName name, Service svc) {
        return t.forService(name, svc);
    }

    private static Map<String, Object> params(Object... kv) {
        Map<String, Object> p = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) p.put((String) kv[i], kv[i + 1]);
        return p;
    }

    /** Text with the app that wrote each line. */
    private static final class Lines {
        private final StringBuilder text = new StringBuilder(64 * 1024);
        private final List<String> owners = new ArrayList<>();
        private boolean lineStart = true;

        void add(String owner, String s) {
            if (s.isEmpty()) return;
            int i = 0;
            while (i < s.length()) {
                if (lineStart) {
                    owners.add(owner);
                    lineStart = false;
                }
                int nl = s.indexOf('\n', i);
                if (nl < 0) break;
                lineStart = true;
                i = nl + 1;
            }
            text.append(s);
        }

        String text() {
            return text.toString();
        }

        List<String> owners() {
            return java.util.Collections.unmodifiableList(owners);
        }
    }

    /** Claimed frontend addresses: a wildcard address overlaps every address on the same port. */
    private static final class Ports {
        private final Map<Integer, List<String[]>> byPort = new HashMap<>();

        void claim(String address, int port, String holder) {
            byPort.computeIfAbsent(port, k -> new ArrayList<>()).add(new String[] {address, holder});
        }

        String holder(String address, int port) {
            for (String[] c : byPort.getOrDefault(port, List.of())) {
                if (overlaps(c[0], address)) return c[1];
            }
            return null;
        }

        static boolean overlaps(RenderedConfig.Bind a, RenderedConfig.Bind b) {
            return a.port() == b.port() && overlaps(a.address(), b.address());
        }

        static boolean overlaps(String a, String b) {
            return wildcard(a) || wildcard(b) || a.equals(b);
        }

        static boolean wildcard(String a) {
            return a == null || a.isEmpty() || a.equals("*") || a.equals("0.0.0.0") || a.equals("::") || a.equals("[::]");
        }
    }
}
