package io.strata.lb;

import io.strata.common.flags.CommandLineFlags;
import io.strata.lb.marathon.MarathonClient;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.TemplateName;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Everything one load balancer needs to start. Built by {@code dcos-node lb} from marathon-lb's command line
 * ({@link #parse(String...)}, {@link Flags}) and by tests ({@link #defaults(List, Path)} and the {@code with*}s).
 *
 * @param marathons          {@code --marathon}: Marathon URLs, tried in turn
 * @param groups             {@code --group}: HAPROXY_GROUPs served ("*" for every app)
 * @param haproxyConfig      {@code --haproxy-config}: where haproxy.cfg (and the map files) are written
 * @param runDir             {@code --haproxy-run-dir}: sockets, server state and pid file of the HAProxy we run
 * @param haproxyBinary      {@code --haproxy-bin}: the HAProxy executable
 * @param reloadCommand      {@code --command}: reload an HAProxy run by someone else with this shell command (null: run our own)
 * @param maxReloadRetries   {@code --max-reload-retries}
 * @param reloadInterval     {@code --reload-interval}
 * @param strictMode         {@code --strict-mode}: only services with {@code HAPROXY_{n}_ENABLED=true}
 * @param sse                {@code --sse}: follow /v2/events; else poll every {@code pollInterval}
 * @param pollInterval       {@code --poll-interval} without {@code --sse} (marathon-lb's POLL_INTERVAL, 60 s)
 * @param healthCheck        {@code --health-check}: only tasks that pass their Marathon health checks
 * @param haproxyMap         {@code --haproxy-map}
 * @param bindHttpHttps      false with {@code --dont-bind-http-https}
 * @param sslCerts           {@code --ssl-certs}: certificates of the HTTPS frontend (none: no HTTPS frontend)
 * @param skipValidation     {@code --skip-validation}
 * @param skipConfigCleanup  {@code --skip-config-cleanup}
 * @param dry                {@code --dry}: print the configuration and exit
 * @param archiveVersions    {@code --archive-versions}
 * @param lruCacheCapacity   {@code --lru-cache-capacity}: remembered task health results
 * @param ipPerTaskPortMin   {@code --min-serv-port-ip-per-task}
 * @param ipPerTaskPortMax   {@code --max-serv-port-ip-per-task}
 * @param maxBackoff         {@code --max-backoff}: longest wait before reconnecting to the event stream
 * @param credentials        {@code --auth-credentials} (or the content of {@code --marathon-auth-credential-file}): user:password
 * @param bindAddress        {@code --bind-address}: address of every HAProxy frontend unless a label says otherwise
 * @param httpPort           {@code --http-frontend-port} (80)
 * @param httpsPort          {@code --https-frontend-port} (443)
 * @param statsPort          {@code --stats-port} (9090)
 * @param appIdPort          {@code --appid-frontend-port} (9091; 0 leaves the frontend out)
 * @param servicePortOffset  {@code --service-port-offset}: added to every service port frontend (0)
 * @param apiAddress         {@code --api-address}: the load balancer's own HTTP API (/health, /metrics, /_mlb_signal/*)
 * @param apiPort            {@code --api-port} (9089; 0 picks a free one)
 * @param haproxyLogTarget   {@code --haproxy-log-target}: HAProxy's {@code log} target, or null for none
 * @param templates          global template overrides by name ({@code HAPROXY_HEAD} → text), from the environment and {@code --templates-dir}
 * @param defaultOptions     {@code HAPROXY_GLOBAL_DEFAULT_OPTIONS}
 * @param minUpdateInterval  {@code --min-update-interval}: the shortest time between two syncs (coalesces bursts of events)
 * @param shutdownGrace      {@code --shutdown-grace}: how long HAProxy may finish connections when stopping
 * @param ignoredAppId       an app never served (marathon-lb skips its own, {@code /$FRAMEWORK_NAME}), or null
 */
public record LbConfig(
        List<URI> marathons,
        List<String> groups,
        Path haproxyConfig,
        Path runDir,
        String haproxyBinary,
        String reloadCommand,
        int maxReloadRetries,
        Duration reloadInterval,
        boolean strictMode,
        boolean sse,
        Duration pollInterval,
        boolean healthCheck,
        boolean haproxyMap,
        boolean bindHttpHttps,
        List<String> sslCerts,
        boolean skipValidation,
        boolean skipConfigCleanup,
        boolean dry,
        int archiveVersions,
        int lruCacheCapacity,
        int ipPerTaskPortMin,
        int ipPerTaskPortMax,
        Duration maxBackoff,
        String credentials,
        String bindAddress,
        int httpPort,
        int httpsPort,
        int statsPort,
        int appIdPort,
        int servicePortOffset,
        String apiAddress,
        int apiPort,
        String haproxyLogTarget,
        Map<String, String> templates,
        List<String> defaultOptions,
        Duration minUpdateInterval,
        Duration shutdownGrace,
        String ignoredAppId) {

    public static final Path DEFAULT_HAPROXY_CONFIG = Path.of("/etc/haproxy/haproxy.cfg");

    public LbConfig {
        Objects.requireNonNull(marathons, "--marathon is required");
        if (marathons.isEmpty()) throw new IllegalArgumentException("--marathon is required: at least one Marathon URL");
        marathons = List.copyOf(marathons);
        groups = groups == null ? List.of() : List.copyOf(groups);
        if (groups.isEmpty()) throw new IllegalArgumentException("--group is required: at least one group name ('*' for every app)");
        if (haproxyConfig == null) haproxyConfig = DEFAULT_HAPROXY_CONFIG;
        haproxyConfig = haproxyConfig.toAbsolutePath();
        if (runDir == null) runDir = haproxyConfig.resolveSibling("run");
        runDir = runDir.toAbsolutePath();
        if (haproxyBinary == null || haproxyBinary.isBlank()) haproxyBinary = "haproxy";
        if (reloadCommand != null && reloadCommand.isBlank()) reloadCommand = null;
        if (reloadInterval == null) reloadInterval = Duration.ofSeconds(10);
        if (pollInterval == null) pollInterval = Duration.ofSeconds(60);
        sslCerts = sslCerts == null ? List.of() : List.copyOf(sslCerts);
        if (archiveVersions < 0) archiveVersions = 0;
        if (lruCacheCapacity <= 0) lruCacheCapacity = 1000;
        if (ipPerTaskPortMin > ipPerTaskPortMax) {
            throw new IllegalArgumentException("--min-serv-port-ip-per-task cannot be above --max-serv-port-ip-per-task");
        }
        if (maxBackoff == null) maxBackoff = Duration.ofSeconds(300);
        if (bindAddress == null || bindAddress.isBlank()) bindAddress = "127.0.0.1";
        if (apiAddress == null || apiAddress.isBlank()) apiAddress = "127.0.0.1";
        checkPort("--http-frontend-port", httpPort, false);
        checkPort("--https-frontend-port", httpsPort, false);
        checkPort("--stats-port", statsPort, false);
        checkPort("--appid-frontend-port", appIdPort, true);
        checkPort("--api-port", apiPort, true);
        if (servicePortOffset < -65_535 || servicePortOffset > 65_535) {
            throw new IllegalArgumentException("--service-port-offset must be within ±65535");
        }
        templates = templates == null ? Map.of() : Map.copyOf(templates);
        defaultOptions = defaultOptions == null ? RenderSettings.DEFAULT_OPTIONS : List.copyOf(defaultOptions);
        if (minUpdateInterval == null) minUpdateInterval = Duration.ofMillis(200);
        if (shutdownGrace == null) shutdownGrace = Duration.ofSeconds(10);
    }

    private static void checkPort(String flag, int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65_535) {
            throw new IllegalArgumentException(flag + " must be " + (zeroAllowed ? "0" : "1") + "..65535, got " + port);
        }
    }

    /**
     * The DC/OS marathon-lb package's settings ({@code --sse --health-check --group external}, ports 80/443/9090/9091)
     * on 127.0.0.1, with haproxy.cfg at {@code haproxyConfig}: the shape tests and {@code dcos-node local} start from.
     */
    public static LbConfig defaults(List<URI> marathons, Path haproxyConfig) {
        return new LbConfig(marathons, List.of("external"), haproxyConfig, null, "haproxy", null, 10,
                Duration.ofSeconds(10), false, true, Duration.ofSeconds(60), true, false, true, List.of(), false, false,
                false, 5, 1000, 10_050, 10_100, Duration.ofSeconds(300), null, "127.0.0.1", 80, 443, 9090, 9091, 0,
                "127.0.0.1", 9089, null, Map.of(), RenderSettings.DEFAULT_OPTIONS, Duration.ofMillis(200),
                Duration.ofSeconds(10), null);
    }

    /** A copy with other frontend ports (HTTP, HTTPS, stats, app-id; 0 leaves the app-id frontend out) and API port. */
    public LbConfig withPorts(int http, int https, int stats, int appId, int api) {
        return new Builder(this).httpPort(http).httpsPort(https).statsPort(stats).appIdPort(appId).apiPort(api).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Whether the HTTPS frontend is served (virtual hosts on and certificates given). */
    public boolean https() {
        return bindHttpHttps && !sslCerts.isEmpty();
    }

    /** The rendering settings this configuration implies, with the API at {@code actualApiPort}. */
    public RenderSettings renderSettings(int actualApiPort) {
        return new RenderSettings(groups, bindHttpHttps, sslCerts, haproxyMap, haproxyConfig.getParent().toString(),
                bindAddress, httpPort, httpsPort, statsPort, appIdPort, servicePortOffset,
                runDir.resolve("haproxy.sock").toString(), runDir.resolve("haproxy.state").toString(),
                apiAddress, actualApiPort, haproxyLogTarget, defaultOptions,
                RenderSettings.maxconnForOpenFilesLimit(RenderSettings.openFilesHardLimit()));
    }

    /** Copy-and-change for the many fields of this record. */
    public static final class Builder {
        private List<URI> marathons;
        private List<String> groups;
        private Path haproxyConfig;
        private Path runDir;
        private String haproxyBinary;
        private String reloadCommand;
        private int maxReloadRetries;
        private Duration reloadInterval;
        private boolean strictMode;
        private boolean sse;
        private Duration pollInterval;
        private boolean healthCheck;
        private boolean haproxyMap;
        private boolean bindHttpHttps;
        private List<String> sslCerts;
        private boolean skipValidation;
        private boolean skipConfigCleanup;
        private boolean dry;
        private int archiveVersions;
        private int lruCacheCapacity;
        private int ipPerTaskPortMin;
        private int ipPerTaskPortMax;
        private Duration maxBackoff;
        private String credentials;
        private String bindAddress;
        private int httpPort;
        private int httpsPort;
        private int statsPort;
        private int appIdPort;
        private int servicePortOffset;
        private String apiAddress;
        private int apiPort;
        private String haproxyLogTarget;
        private Map<String, String> templates;
        private List<String> defaultOptions;
        private Duration minUpdateInterval;
        private Duration shutdownGrace;
        private String ignoredAppId;

        public Builder(LbConfig c) {
            marathons = c.marathons; groups = c.groups; haproxyConfig = c.haproxyConfig; runDir = c.runDir;
            haproxyBinary = c.haproxyBinary; reloadCommand = c.reloadCommand; maxReloadRetries = c.maxReloadRetries;
            reloadInterval = c.reloadInterval; strictMode = c.strictMode; sse = c.sse; pollInterval = c.pollInterval;
            healthCheck = c.healthCheck; haproxyMap = c.haproxyMap; bindHttpHttps = c.bindHttpHttps; sslCerts = c.sslCerts;
            skipValidation = c.skipValidation; skipConfigCleanup = c.skipConfigCleanup; dry = c.dry;
            archiveVersions = c.archiveVersions; lruCacheCapacity = c.lruCacheCapacity; ipPerTaskPortMin = c.ipPerTaskPortMin;
            ipPerTaskPortMax = c.ipPerTaskPortMax; maxBackoff = c.maxBackoff; credentials = c.credentials;
            bindAddress = c.bindAddress; httpPort = c.httpPort; httpsPort = c.httpsPort; statsPort = c.statsPort;
            appIdPort = c.appIdPort; servicePortOffset = c.servicePortOffset; apiAddress = c.apiAddress; apiPort = c.apiPort;
            haproxyLogTarget = c.haproxyLogTarget; templates = c.templates; defaultOptions = c.defaultOptions;
            minUpdateInterval = c.minUpdateInterval; shutdownGrace = c.shutdownGrace; ignoredAppId = c.ignoredAppId;
        }

        public Builder marathons(List<URI> v) { marathons = v; return this; }
        public Builder groups(List<String> v) { groups = v; return this; }
        public Builder haproxyConfig(Path v) { haproxyConfig = v; return this; }
        public Builder runDir(Path v) { runDir = v; return this; }
        public Builder haproxyBinary(String v) { haproxyBinary = v; return this; }
        public Builder reloadCommand(String v) { reloadCommand = v; return this; }
        public Builder strictMode(boolean v) { strictMode = v; return this; }
        public Builder sse(boolean v) { sse = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder healthCheck(boolean v) { healthCheck = v; return this; }
        public Builder haproxyMap(boolean v) { haproxyMap = v; return this; }
        public Builder bindHttpHttps(boolean v) { bindHttpHttps = v; return this; }
        public Builder sslCerts(List<String> v) { sslCerts = v; return this; }
        public Builder skipValidation(boolean v) { skipValidation = v; return this; }
        public Builder skipConfigCleanup(boolean v) { skipConfigCleanup = v; return this; }
        public Builder dry(boolean v) { dry = v; return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder httpPort(int v) { httpPort = v; return this; }
        public Builder httpsPort(int v) { httpsPort = v; return this; }
        public Builder statsPort(int v) { statsPort = v; return this; }
        public Builder appIdPort(int v) { appIdPort = v; return this; }
        public Builder servicePortOffset(int v) { servicePortOffset = v; return this; }
        public Builder apiPort(int v) { apiPort = v; return this; }
        public Builder haproxyLogTarget(String v) { haproxyLogTarget = v; return this; }
        public Builder templates(Map<String, String> v) { templates = v; return this; }
        public Builder minUpdateInterval(Duration v) { minUpdateInterval = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder credentials(String v) { credentials = v; return this; }

        public LbConfig build() {
            return new LbConfig(marathons, groups, haproxyConfig, runDir, haproxyBinary, reloadCommand, maxReloadRetries,
                    reloadInterval, strictMode, sse, pollInterval, healthCheck, haproxyMap, bindHttpHttps, sslCerts,
                    skipValidation, skipConfigCleanup, dry, archiveVersions, lruCacheCapacity, ipPerTaskPortMin,
                    ipPerTaskPortMax, maxBackoff, credentials, bindAddress, httpPort, httpsPort, statsPort, appIdPort,
                    servicePortOffset, apiAddress, apiPort, haproxyLogTarget, templates, defaultOptions, minUpdateInterval,
                    shutdownGrace, ignoredAppId);
        }
    }

    /**
     * Parses marathon-lb's command line, e.g. {@code --marathon http://127.0.0.1:8080 --group external --sse
     * --health-check --strict-mode}, plus Strata's port and path flags. Global template overrides come from the
     * environment ({@code HAPROXY_<TEMPLATE>}) and {@code --templates-dir}. Throws {@link IllegalArgumentException}
     * with picocli's message on bad input.
     */
    public static LbConfig parse(String... args) {
        return CommandLineFlags.parse(new Flags(), args);
    }

    /** The flags, for a launcher that embeds them as a picocli subcommand ({@code dcos-node lb}). */
    @Command(name = "lb", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Runs a marathon-lb compatible load balancer: HAProxy configured from Marathon apps and their HAPROXY_* labels.")
    public static final class Flags implements Callable<LbConfig> {
        @Option(names = {"--marathon", "-m"}, arity = "1..*", required = true,
                description = "Marathon endpoint(s), e.g. -m http://marathon1:8080 http://marathon2:8080")
        List<String> marathon = new ArrayList<>();
        @Option(names = {"--group"}, arity = "1..*", required = true,
                description = "Only serve apps with one of these HAPROXY_GROUPs; '*' serves every app")
        List<String> group = new ArrayList<>();
        @Option(names = {"--haproxy-config"}, defaultValue = "/etc/haproxy/haproxy.cfg", description = "Where haproxy.cfg is written (default: ${DEFAULT-VALUE})")
        Path haproxyConfig;
        @Option(names = {"--haproxy-run-dir"}, description = "Sockets, server state and pid file of HAProxy (default: <haproxy-config dir>/run)")
        Path runDir;
        @Option(names = {"--haproxy-bin"}, defaultValue = "haproxy", description = "The HAProxy executable (default: ${DEFAULT-VALUE})")
        String haproxyBin;
        @Option(names = {"--command", "-c"}, description = "Reload an HAProxy run by someone else with this shell command instead of running one")
        String command;
        @Option(names = {"--max-reload-retries"}, defaultValue = "10", description = "Retries of a failed reload; 0 none, -1 forever (default: ${DEFAULT-VALUE})")
        int maxReloadRetries;
        @Option(names = {"--reload-interval"}, defaultValue = "10", description = "Seconds between reload retries (default: ${DEFAULT-VALUE})")
        long reloadIntervalSeconds;
        @Option(names = {"--strict-mode"}, description = "Only serve service ports with HAPROXY_{n}_ENABLED=true")
        boolean strictMode;
        @Option(names = {"--sse", "-s"}, description = "Follow Marathon's event stream (otherwise poll)")
        boolean sse;
        @Option(names = {"--poll-interval"}, defaultValue = "60", description = "Seconds between polls without --sse (default: ${DEFAULT-VALUE})")
        long pollIntervalSeconds;
        @Option(names = {"--health-check", "-H"}, description = "Only route to tasks that pass their Marathon health checks")
        boolean healthCheck;
        @Option(names = {"--haproxy-map"}, description = "Look virtual hosts and app ids up in HAProxy map files")
        boolean haproxyMap;
        @Option(names = {"--dont-bind-http-https"}, description = "No HTTP/HTTPS virtual-host frontends")
        boolean dontBindHttpHttps;
        @Option(names = {"--group-https-by-vhost"}, description = "Not supported by Strata yet (refused)")
        boolean groupHttpsByVhost;
        @Option(names = {"--ssl-certs"}, description = "Certificates of the HTTPS frontend, comma separated (default: /etc/ssl/cert.pem when it exists; none: no HTTPS frontend)")
        String sslCerts;
        @Option(names = {"--skip-validation"}, description = "Do not check configurations with haproxy -c")
        boolean skipValidation;
        @Option(names = {"--skip-config-cleanup"}, description = "When haproxy -c rejects a configuration, keep the old one instead of leaving out the apps at fault")
        boolean skipConfigCleanup;
        @Option(names = {"--dry", "-d"}, description = "Print the configuration and exit")
        boolean dry;
        @Option(names = {"--archive-versions"}, defaultValue = "5", description = "Previous configurations kept as haproxy.cfg.1..N (default: ${DEFAULT-VALUE})")
        int archiveVersions;
        @Option(names = {"--lru-cache-capacity"}, defaultValue = "1000", description = "Remembered task health results (default: ${DEFAULT-VALUE})")
        int lruCacheCapacity;
        @Option(names = {"--min-serv-port-ip-per-task"}, defaultValue = "10050", description = "First service port given to IP-per-task apps without one (default: ${DEFAULT-VALUE})")
        int minServPort;
        @Option(names = {"--max-serv-port-ip-per-task"}, defaultValue = "10100", description = "Last such port (default: ${DEFAULT-VALUE})")
        int maxServPort;
        @Option(names = {"--max-backoff"}, defaultValue = "300", description = "Longest wait in seconds before reconnecting to the event stream (default: ${DEFAULT-VALUE})")
        long maxBackoffSeconds;
        @Option(names = {"--auth-credentials"}, description = "user:password for Marathon's API")
        String authCredentials;
        @Option(names = {"--marathon-auth-credential-file"}, description = "File holding user:password for Marathon's API")
        Path authCredentialFile;
        @Option(names = {"--syslog-socket"}, description = "Accepted for marathon-lb compatibility; Strata logs to stderr")
        String syslogSocket;
        @Option(names = {"--log-format"}, description = "Accepted for marathon-lb compatibility; Strata logs in logfmt")
        String logFormat;
        @Option(names = {"--log-level"}, description = "Accepted for marathon-lb compatibility; set STRATA_LOG_LEVEL instead")
        String logLevel;
        @Option(names = {"--bind-address"}, defaultValue = "127.0.0.1", description = "Address HAProxy's frontends bind unless HAPROXY_{n}_BIND_ADDR says otherwise; '*' for every address (default: ${DEFAULT-VALUE})")
        String bindAddress;
        @Option(names = {"--http-frontend-port"}, defaultValue = "80", description = "HTTP virtual-host frontend (default: ${DEFAULT-VALUE})")
        int httpPort;
        @Option(names = {"--https-frontend-port"}, defaultValue = "443", description = "HTTPS virtual-host frontend (default: ${DEFAULT-VALUE})")
        int httpsPort;
        @Option(names = {"--stats-port"}, defaultValue = "9090", description = "Stats, /_haproxy_health_check, /metrics, /_mlb_signal (default: ${DEFAULT-VALUE})")
        int statsPort;
        @Option(names = {"--appid-frontend-port"}, defaultValue = "9091", description = "X-Marathon-App-Id frontend; 0 for none (default: ${DEFAULT-VALUE})")
        int appIdPort;
        @Option(names = {"--service-port-offset"}, defaultValue = "0", description = "Added to every service port frontend (default: ${DEFAULT-VALUE})")
        int servicePortOffset;
        @Option(names = {"--api-address"}, defaultValue = "127.0.0.1", description = "Address of the load balancer's HTTP API (default: ${DEFAULT-VALUE})")
        String apiAddress;
        @Option(names = {"--api-port"}, defaultValue = "9089", description = "Port of the HTTP API: /health, /metrics, /status, /_mlb_signal/* (default: ${DEFAULT-VALUE})")
        int apiPort;
        @Option(names = {"--haproxy-log-target"}, description = "HAProxy's log target, e.g. /dev/log or 127.0.0.1:514 (default: /dev/log when it exists)")
        String haproxyLogTarget;
        @Option(names = {"--templates-dir"}, defaultValue = "templates", description = "Directory of global template overrides named HAPROXY_<TEMPLATE> (default: ${DEFAULT-VALUE})")
        Path templatesDir;
        @Option(names = {"--min-update-interval"}, defaultValue = "200", description = "Milliseconds between two syncs; events arriving meanwhile are coalesced (default: ${DEFAULT-VALUE})")
        long minUpdateIntervalMs;
        @Option(names = {"--shutdown-grace"}, defaultValue = "10", description = "Seconds HAProxy may finish connections when stopping (default: ${DEFAULT-VALUE})")
        long shutdownGraceSeconds;

        @Override
        public LbConfig call() {
            return toConfig(System.getenv());
        }

        /** The configuration, with global templates from {@code env} and the templates directory. */
        public LbConfig toConfig(Map<String, String> env) {
            if (groupHttpsByVhost) throw new IllegalArgumentException("--group-https-by-vhost is not supported by Strata yet");
            List<URI> urls = MarathonClient.parseUrls(marathon);
            String credentials = authCredentials;
            if (credentials == null && authCredentialFile != null) {
                try {
                    credentials = Files.readString(authCredentialFile).strip();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read --marathon-auth-credential-file " + authCredentialFile, e);
                }
            }
            List<String> certs = new ArrayList<>();
            if (sslCerts != null) {
                // "none" (or an empty value): no HTTPS frontend, as the help says
                for (String c : sslCerts.split(",")) if (!c.isBlank() && !c.strip().equalsIgnoreCase("none")) certs.add(c.strip());
            } else if (Files.isReadable(Path.of("/etc/ssl/cert.pem"))) {
                certs.add("/etc/ssl/cert.pem");
            }
            String logTarget = haproxyLogTarget;
            if (logTarget == null && Files.exists(Path.of("/dev/log"))) logTarget = "/dev/log";
            if (logTarget != null && (logTarget.isBlank() || logTarget.equals("none"))) logTarget = null;
            List<String> options = RenderSettings.DEFAULT_OPTIONS;
            String envOptions = env.get("HAPROXY_GLOBAL_DEFAULT_OPTIONS");
            if (envOptions != null) options = List.of(envOptions.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
            String framework = env.get("FRAMEWORK_NAME");
            return new LbConfig(urls, group, haproxyConfig, runDir, haproxyBin, command, maxReloadRetries,
                    Duration.ofSeconds(reloadIntervalSeconds), strictMode, sse, Duration.ofSeconds(pollIntervalSeconds),
                    healthCheck, haproxyMap, !dontBindHttpHttps, certs, skipValidation, skipConfigCleanup, dry,
                    archiveVersions, lruCacheCapacity, minServPort, maxServPort, Duration.ofSeconds(maxBackoffSeconds),
                    credentials, bindAddress, httpPort, httpsPort, statsPort, appIdPort, servicePortOffset, apiAddress,
                    apiPort, logTarget, globalTemplates(env, templatesDir), options, Duration.ofMillis(minUpdateIntervalMs),
                    Duration.ofSeconds(shutdownGraceSeconds), framework == null || framework.isBlank() ? null : "/" + framework);
        }
    }

    /** Global template overrides: {@code HAPROXY_<TEMPLATE>} files in {@code dir}, then environment variables (which win). */
    static Map<String, String> globalTemplates(Map<String, String> env, Path dir) {
        Map<String, String> out = new LinkedHashMap<>();
        for (TemplateName t : TemplateName.values()) {
            Path file = dir == null ? null : dir.resolve(t.globalName());
            if (file != null && Files.isRegularFile(file)) {
                try {
                    out.put(t.globalName(), Files.readString(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read template " + file, e);
                }
            }
            String v = env.get(t.globalName());
            // environment values carry escaped line breaks ("\\n"), as marathon-lb's documentation shows
            if (v != null) out.put(t.globalName(), v.replace("\\n", "\n"));
        }
        return out;
    }
}
