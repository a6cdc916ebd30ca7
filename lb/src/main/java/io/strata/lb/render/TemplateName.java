package io.strata.lb.render;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every HAProxy template the renderer fills in, with Strata's default text. The names and the {@code {placeholders}}
 * are marathon-lb's, so a global override ({@code HAPROXY_<NAME>} in the environment or a file {@code templates/<NAME>})
 * or a per-service-port label ({@code HAPROXY_{n}_<NAME>}) written for marathon-lb works here. The default texts are
 * Strata's own and valid for HAProxy 2.x ({@code http-response set-header} where older templates used {@code rspadd}).
 *
 * <p>As in marathon-lb, some templates are used verbatim ({@link #verbatim()}): their braces are HAProxy's, and only
 * the Strata placeholders they know ({@code {bindAddr}}, {@code {httpPort}}...) are replaced. The others are
 * filled in with {@code str.format} rules ({@code {{} for a literal brace).
 *
 * <p>Global-only templates may use the Strata placeholders listed in docs/LB.md ({@code {bindAddr}},
 * {@code {httpPort}}, {@code {statsPort}}, ...).
 */
public enum TemplateName {
    HEAD(false, """
            global
              maxconn {maxconn}
              spread-checks 5
              max-spread-checks 15000
              tune.ssl.default-dh-param 2048
              ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets
              ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384
              ssl-default-server-options ssl-min-ver TLSv1.2 no-tls-tickets
              stats socket {statsSocket} mode 600 level admin expose-fd listeners
              stats timeout 2m
              server-state-file {serverStateFile}
            {globalLog}defaults
              load-server-state-from-file global
              log global
              retries 3
              backlog 10000
              maxconn 10000
              timeout connect 3s
              timeout client 30s
              timeout server 30s
              timeout tunnel 3600s
              timeout http-keep-alive 1s
              timeout http-request 15s
              timeout queue 30s
              timeout tarpit 60s
            {defaultOptions}
            listen stats
              bind {statsBindAddr}:{statsPort}
              mode http
              balance
              stats enable
              monitor-uri /_haproxy_health_check
              http-request use-service prometheus-exporter if { path /metrics }
              acl strata_lb_api path_beg /_mlb_signal/ /_haproxy_get
              use_backend strata_lb_api if strata_lb_api

            backend strata_lb_api
              mode http
              server lb {apiAddress}:{apiPort}
            """),
    HTTP_FRONTEND_HEAD(false, """

            frontend marathon_http_in
              bind {bindAddr}:{httpPort}
              mode http
            """),
    HTTP_FRONTEND_APPID_HEAD(false, """

            frontend marathon_http_appid_in
              bind {bindAddr}:{appIdPort}
              mode http
            """),
    HTTPS_FRONTEND_HEAD(false, """

            frontend marathon_https_in
              bind {bindAddr}:{httpsPort} ssl {sslCerts}
              mode http
            """),
    HTTP_BACKEND_ACL_ALLOW_DENY(false, """
              http-request allow if network_allowed
              http-request deny
            """),
    TCP_BACKEND_ACL_ALLOW_DENY(false, """
              tcp-request content accept if network_allowed
              tcp-request content reject
            """),

    FRONTEND_HEAD(true, """

            frontend {backend}
              bind {bindAddr}:{servicePort}{sslCert}{bindOptions}
              mode {mode}
            """),
    FRONTEND_BACKEND_GLUE(true, """
              use_backend {backend}
            """),
    BACKEND_HEAD(true, """

            backend {backend}
              balance {balance}
              mode {mode}
            """),
    USERLIST_HEAD(true, """

            userlist user_{backend}
              user {user} password {passwd}
            """),
    BACKEND_HTTP_OPTIONS(true, """
              option forwardfor
              http-request set-header X-Forwarded-Port %[dst_port]
              http-request add-header X-Forwarded-Proto https if { ssl_fc }
              retry-on conn-failure empty-response
            """),
    BACKEND_HSTS_OPTIONS(true, """
              http-response set-header Strict-Transport-Security max-age=15768000
            """),
    BACKEND_STICKY_OPTIONS(true, """
              cookie mesosphere_server_id insert indirect nocache
            """),
    BACKEND_SERVER_OPTIONS(true, """
              server {serverName} {host_ipv4}:{port} id {serverId}{cookieOptions}{healthCheckOptions}{otherOptions}
            """),
    BACKEND_HTTP_HEALTHCHECK_OPTIONS(true, """
              option httpchk GET {healthCheckPath}
              timeout check {healthCheckTimeoutSeconds}s
            """),
    BACKEND_TCP_HEALTHCHECK_OPTIONS(true, ""),
    BACKEND_SERVER_HTTP_HEALTHCHECK_OPTIONS(true, """
              check inter {healthCheckIntervalSeconds}s fall {healthCheckFalls}{healthCheckPortOptions} observe layer4 error-limit 1 on-error mark-down
            """),
    BACKEND_SERVER_TCP_HEALTHCHECK_OPTIONS(true, """
              check inter {healthCheckIntervalSeconds}s fall {healthCheckFalls}{healthCheckPortOptions} observe layer4 error-limit 1 on-error mark-down
            """),
    BACKEND_REDIRECT_HTTP_TO_HTTPS(true, """
              redirect scheme https code 301 if !{{ ssl_fc }} host_{cleanedUpHostname}
            """),
    BACKEND_REDIRECT_HTTP_TO_HTTPS_WITH_PATH(true, """
              redirect scheme https code 301 if !{{ ssl_fc }} host_{cleanedUpHostname} path_{backend}
            """),
    HTTP_BACKEND_PROXYPASS_GLUE(true, """
              http-request set-header Host {hostname}
              http-request replace-path {proxypath}/?(.*) /\\1
            """),
    HTTP_BACKEND_REVPROXY_GLUE(true, """
              http-response replace-header Location ^(https?://{hostname}(:[0-9]+)?)?(/.*)$ {rootpath}\\3
            """),
    HTTP_BACKEND_REDIR(true, """
              acl is_root path -i /
              acl is_domain req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
              redirect code 301 location {redirpath} if is_domain is_root
            """),
    HTTP_BACKEND_NETWORK_ALLOWED_ACL(true, """
              acl network_allowed src {network_allowed}
            """),
    TCP_BACKEND_NETWORK_ALLOWED_ACL(true, """
              acl network_allowed src {network_allowed}
            """),

    HTTP_FRONTEND_ACL(true, """
              acl host_{cleanedUpHostname} req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
              use_backend {backend} if host_{cleanedUpHostname}
            """),
    HTTP_FRONTEND_ACL_ONLY(true, """
              acl host_{cleanedUpHostname} req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
            """),
    HTTP_FRONTEND_ROUTING_ONLY(true, """
              use_backend {backend} if host_{cleanedUpHostname}
            """),
    HTTP_FRONTEND_ACL_WITH_PATH(true, """
              acl host_{cleanedUpHostname} req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
              acl path_{backend} path_beg {path}
              use_backend {backend} if host_{cleanedUpHostname} path_{backend}
            """),
    HTTP_FRONTEND_ACL_ONLY_WITH_PATH(true, """
              acl path_{backend} path_beg {path}
            """),
    HTTP_FRONTEND_ROUTING_ONLY_WITH_PATH(true, """
              use_backend {backend} if host_{cleanedUpHostname} path_{backend}
            """),
    HTTP_FRONTEND_ACL_WITH_AUTH(true, """
              acl host_{cleanedUpHostname} req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
              http-request auth realm "{realm}" if host_{cleanedUpHostname} !auth_{cleanedUpHostname}
              use_backend {backend} if host_{cleanedUpHostname}
            """),
    HTTP_FRONTEND_ROUTING_ONLY_WITH_AUTH(true, """
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
              http-request auth realm "{realm}" if host_{cleanedUpHostname} !auth_{cleanedUpHostname}
              use_backend {backend} if host_{cleanedUpHostname}
            """),
    HTTP_FRONTEND_ACL_WITH_AUTH_AND_PATH(true, """
              acl host_{cleanedUpHostname} req.hdr(host),regsub(:[0-9]+$,) -i {hostname}
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
              acl path_{backend} path_beg {path}
              http-request auth realm "{realm}" if host_{cleanedUpHostname} path_{backend} !auth_{cleanedUpHostname}
              use_backend {backend} if host_{cleanedUpHostname} path_{backend}
            """),
    HTTP_FRONTEND_ACL_ONLY_WITH_PATH_AND_AUTH(true, """
              acl path_{backend} path_beg {path}
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
            """),
    HTTP_FRONTEND_ROUTING_ONLY_WITH_PATH_AND_AUTH(true, """
              http-request auth realm "{realm}" if host_{cleanedUpHostname} path_{backend} !auth_{cleanedUpHostname}
              use_backend {backend} if host_{cleanedUpHostname} path_{backend}
            """),
    HTTP_FRONTEND_APPID_ACL(true, """
              acl app_{cleanedUpAppId} hdr(x-marathon-app-id) -i {appId}
              use_backend {backend} if app_{cleanedUpAppId}
            """),

    HTTPS_FRONTEND_ACL(true, """
              use_backend {backend} if {{ ssl_fc_sni -i {hostname} }}
            """),
    HTTPS_FRONTEND_ACL_WITH_PATH(true, """
              use_backend {backend} if {{ ssl_fc_sni -i {hostname} }} path_{backend}
            """),
    HTTPS_FRONTEND_ACL_ONLY_WITH_PATH(true, """
              acl path_{backend} path_beg {path}
            """),
    HTTPS_FRONTEND_ACL_WITH_AUTH(true, """
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
              http-request auth realm "{realm}" if {{ ssl_fc_sni -i {hostname} }} !auth_{cleanedUpHostname}
              use_backend {backend} if {{ ssl_fc_sni -i {hostname} }}
            """),
    HTTPS_FRONTEND_ACL_WITH_AUTH_AND_PATH(true, """
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
              http-request auth realm "{realm}" if {{ ssl_fc_sni -i {hostname} }} path_{backend} !auth_{cleanedUpHostname}
              use_backend {backend} if {{ ssl_fc_sni -i {hostname} }} path_{backend}
            """),
    HTTPS_FRONTEND_AUTH_ACL_ONLY(true, """
              acl auth_{cleanedUpHostname} http_auth(user_{backend})
            """),
    HTTPS_FRONTEND_AUTH_REQUEST_ONLY(true, """
              http-request auth realm "{realm}" if {{ ssl_fc_sni -i {hostname} }} !auth_{cleanedUpHostname}
            """),
    HTTPS_FRONTEND_ROUTING_ONLY_WITH_PATH_AND_AUTH(true, """
              http-request auth realm "{realm}" if {{ ssl_fc_sni -i {hostname} }} path_{backend} !auth_{cleanedUpHostname}
              use_backend {backend} if {{ ssl_fc_sni -i {hostname} }} path_{backend}
            """),

    MAP_HTTP_FRONTEND_ACL(true, """
              use_backend %[req.hdr(host),lower,regsub(:.*$,,),map({haproxy_dir}/domain2backend.map)]
            """),
    MAP_HTTP_FRONTEND_ACL_ONLY(true, """
              use_backend %[req.hdr(host),lower,regsub(:.*$,,),map({haproxy_dir}/domain2backend.map)]
            """),
    MAP_HTTPS_FRONTEND_ACL(true, """
              use_backend %[ssl_fc_sni,lower,map({haproxy_dir}/domain2backend.map)]
            """),
    MAP_HTTP_FRONTEND_APPID_ACL(true, """
              use_backend %[req.hdr(x-marathon-app-id),lower,map({haproxy_dir}/app2backend.map)]
            """);

    private static final Map<String, TemplateName> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    private final boolean overridable;
    private final String defaultText;

    TemplateName(boolean overridable, String defaultText) {
        this.overridable = overridable;
        this.defaultText = defaultText;
    }

    /** Used as written apart from the Strata placeholders it knows (marathon-lb does not format these). */
    public boolean verbatim() {
        return switch (this) {
            case HEAD, HTTP_FRONTEND_HEAD, HTTP_FRONTEND_APPID_HEAD, BACKEND_HTTP_OPTIONS, BACKEND_HSTS_OPTIONS,
                 BACKEND_STICKY_OPTIONS, HTTP_BACKEND_ACL_ALLOW_DENY, TCP_BACKEND_ACL_ALLOW_DENY -> true;
            default -> false;
        };
    }

    /** Whether an app may override it with a {@code HAPROXY_{n}_<NAME>} label. */
    public boolean overridable() {
        return overridable;
    }

    public String defaultText() {
        return defaultText;
    }

    /** {@code HAPROXY_<NAME>}: the environment variable and file name of a global override. */
    public String globalName() {
        return "HAPROXY_" + name();
    }

    /** The template with this name, or null. */
    public static TemplateName byName(String name) {
        return BY_NAME.get(name);
    }
}
