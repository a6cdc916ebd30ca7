package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Constraint;
import io.strata.marathon.model.Container;
import io.strata.marathon.model.EnvValue;
import io.strata.marathon.model.FetchUri;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.KillSelection;
import io.strata.marathon.model.Network;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.PortDefinition;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.ReadinessCheck;
import io.strata.marathon.model.UnreachableStrategy;
import io.strata.marathon.model.UpgradeStrategy;
import io.strata.marathon.validation.Violations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads an app definition from Marathon's JSON into its canonical form, as Marathon does before validating:
 * schema errors go to {@link JsonIn#errors()} (answered as {@code "Invalid JSON"}); the deprecated API
 * ({@code ports}, {@code uris}, {@code ipAddress}, {@code container.docker.network},
 * {@code container.docker.portMappings}) is translated, and contradictions found while doing so go to
 * {@code invalid} (answered as {@code "Object is not valid"}). Unknown fields are ignored, as Marathon 1.x does.
 */
public final class AppReader {
    static final Pattern EXECUTOR = Pattern.compile("^(//cmd)|(/?[^/]+(/[^/]+)*)|$");
    static final Pattern LEGACY_NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    static final List<String> HC_PROTOCOLS = List.of("HTTP", "HTTPS", "TCP", "COMMAND", "MESOS_TCP", "MESOS_HTTP", "MESOS_HTTPS");
    static final List<String> NET_PROTOCOLS = List.of("tcp", "udp", "udp,tcp");

    private final JsonIn in;
    private final Violations invalid;
    private final String defaultRole;

    public AppReader(JsonIn in, Violations invalid, String defaultRole) {
        this.in = in;
        this.invalid = invalid;
        this.defaultRole = defaultRole;
    }

    /**
     * @param json  the app object
     * @param path  where it sits in the request ("" for a whole body, "/apps(0)" inside a group)
     * @param base  the group relative ids are resolved against
     * @param forcedId when not null the id to use whatever the body says (PUT /v2/apps/{id})
     * @return the canonical app (without version information), or null when the JSON was not an object
     */
    public AppDefinition read(JsonNode json, String path, PathId base, PathId forcedId) {
        if (json == null || !json.isObject()) {
            in.error(path.isEmpty() ? "/" : path, "error.expected.jsobject");
            return null;
        }
        AppDefinition.Builder b = AppDefinition.builder(forcedId);
        if (forcedId == null) {
            String id = JsonIn.has(json, "id") ? in.string(json, "id", path, 1, PathId.RAML_PATTERN) : in.requiredString(json, "id", path);
            b.id = id == null ? PathId.ROOT : PathId.parse(id).canonical(base);
        }
        List<String> roles = in.stringList(json, "acceptedResourceRoles", path);
        if (roles != null) {
            b.acceptedResourceRoles = roles;
            if (roles.isEmpty()) invalid.add(path + "/acceptedResourceRoles", "must not be empty");
        }
        List<String> args = in.stringList(json, "args", path);
        if (args != null) b.args = args;
        Double bf = in.number(json, "backoffFactor", path, 1.0, null);
        if (bf != null) b.backoffFactor = bf;
        Integer bs = in.integer(json, "backoffSeconds", path, 0, null);
        if (bs != null) b.backoffSeconds = bs;
        b.cmd = in.string(json, "cmd", path, 1, null);
        List<Constraint> constraints = in.list(json, "constraints", path, this::constraint);
        if (constraints != null) b.constraints = constraints;
        Double cpus = in.number(json, "cpus", path, 0.001, null);
        if (cpus != null) b.cpus = cpus;
        List<PathId> deps = in.list(json, "dependencies", path, (v, at) -> {
            if (!v.isTextual()) {
                in.error(at, "error.expected.jsstring");
                return null;
            }
            if (!PathId.RAML_PATTERN.matcher(v.asText()).matches()) {
                in.error(at, "error.pattern");
                return null;
            }
            return PathId.parse(v.asText()).canonical(base);
        });
        if (deps != null) b.dependencies = deps;
        Double disk = in.number(json, "disk", path, 0.0, null);
        if (disk != null) b.disk = disk;
        Map<String, EnvValue> env = env(json, path);
        if (env != null) b.env = env;
        String executor = in.string(json, "executor", path, 0, EXECUTOR);
        if (executor != null) b.executor = executor;
        b.executorResources = in.object(json, "executorResources", path);
        List<FetchUri> fetch = in.list(json, "fetch", path, this::artifact);
        List<String> uris = in.stringList(json, "uris", path);
        List<HealthCheck> hcs = in.list(json, "healthChecks", path, this::healthCheck);
        b.check = in.object(json, "check", path);
        Integer instances = in.integer(json, "instances", path, 0, null);
        if (instances != null) b.instances = instances;
        Map<String, String> labels = in.stringMap(json, "labels", path);
        if (labels != null) b.labels = labels;
        Integer mld = in.integer(json, "maxLaunchDelaySeconds", path, 0, null);
        if (mld != null) b.maxLaunchDelaySeconds = mld;
        Double mem = in.number(json, "mem", path, 0.0, null);
        if (mem != null) b.mem = mem;
        Integer gpus = in.integer(json, "gpus", path, 0, null);
        if (gpus != null) b.gpus = gpus;
        JsonNode ipAddress = in.object(json, "ipAddress", path);
        List<Network> networks = in.list(json, "networks", path, this::network);
        List<Integer> ports = in.list(json, "ports", path, (v, at) -> in.integerValue(v, at, 0, 65535));
        List<PortDefinition> portDefs = in.list(json, "portDefinitions", path, this::portDefinition);
        List<ReadinessCheck> rcs = in.list(json, "readinessChecks", path, this::readinessCheck);
        if (rcs != null) b.readinessChecks = rcs;
        b.residency = in.object(json, "residency", path);
        b.resourceLimits = in.object(json, "resourceLimits", path);
        Boolean requirePorts = in.bool(json, "requirePorts", path);
        b.secrets = in.object(json, "secrets", path);
        b.taskKillGracePeriodSeconds = in.integer(json, "taskKillGracePeriodSeconds", path, 0, null);
        JsonNode us = in.object(json, "upgradeStrategy", path);
        if (us != null) {
            String at = path + "/upgradeStrategy";
            Double min = in.number(us, "minimumHealthCapacity", at, 0.0, 1.0);
            Double max = in.number(us, "maximumOverCapacity", at, 0.0, 1.0);
            b.upgradeStrategy = new UpgradeStrategy(min == null ? 1.0 : min, max == null ? 1.0 : max);
        }
        b.user = in.string(json, "user", path);
        String ks = in.enumValue(json, "killSelection", path, List.of("YOUNGEST_FIRST", "OLDEST_FIRST"));
        if (ks != null) b.killSelection = KillSelection.valueOf(ks);
        UnreachableStrategy unreachable = unreachable(json, path);
        if (unreachable != null) b.unreachableStrategy = unreachable;
        b.tty = in.bool(json, "tty", path);
        String role = in.string(json, "role", path, 1, null);
        b.role = role != null ? role : defaultRole;
        JsonNode container = in.object(json, "container", path);
        Container ct = container == null ? null : container(container, path + "/container");

        // Deprecated fetch API.
        if (uris != null && !uris.isEmpty()) {
            if (fetch != null && !fetch.isEmpty()) invalid.add(path + "/uris", "may not be set in conjunction with fetch");
            else {
                List<FetchUri> f = new ArrayList<>();
                for (String u : uris) f.add(new FetchUri(u, FetchUri.isArchive(u), false, false, null));
                fetch = f;
            }
        }
        if (fetch != null) b.fetch = fetch;

        // Networks: canonical field, or translated from container.docker.network / ipAddress.
        String dockerNetwork = ct == null || container.path("docker").isMissingNode() ? null
                : in.enumValue(container.get("docker"), "network", path + "/container/docker", List.of("BRIDGE", "HOST", "NONE", "USER"));
        List<Network> nets = networks;
        if (dockerNetwork != null && networks != null && !networks.isEmpty()) {
            invalid.add(path.isEmpty() ? "/" : path, "must not specify both container.docker.network and networks");
        } else if (ipAddress != null && networks != null && !networks.isEmpty()) {
            invalid.add(path.isEmpty() ? "/" : path, "must not specify both networks and ipAddress");
        } else if (dockerNetwork != null) {
            Map<String, String> ipLabels = ipAddress == null ? Map.of() : orEmpty(in.stringMap(ipAddress, "labels", path + "/ipAddress"));
            String ipName = ipAddress == null ? null : in.string(ipAddress, "networkName", path + "/ipAddress");
            nets = switch (dockerNetwork) {
                case "BRIDGE" -> List.of(new Network("container/bridge", null, ipLabels));
                case "USER" -> List.of(new Network("container", ipName, ipLabels));
                case "HOST" -> List.of(Network.HOST);
                default -> {
                    invalid.add(path + "/container/docker/network", "unsupported docker network type NONE");
                    yield List.of(Network.HOST);
                }
            };
        } else if (ipAddress != null) {
            nets = List.of(new Network("container", in.string(ipAddress, "networkName", path + "/ipAddress"),
                    orEmpty(in.stringMap(ipAddress, "labels", path + "/ipAddress"))));
        }
        if (nets == null || nets.isEmpty()) nets = List.of(Network.HOST);
        b.networks = nets;
        boolean host = nets.stream().allMatch(Network::isHost);
        boolean bridge = nets.stream().anyMatch(Network::isBridge);

        // Ports: portDefinitions, or the deprecated ports.
        if (ports != null && portDefs != null && !ports.equals(portDefs.stream().map(PortDefinition::port).toList())) {
            invalid.add(path.isEmpty() ? "/" : path, "cannot specify both ports and port definitions");
        }
        List<PortDefinition> pds = portDefs;
        if (pds == null && ports != null) {
            pds = new ArrayList<>();
            for (int p : ports) pds.add(new PortDefinition(p, "tcp", null, Map.of()));
        }
        if (host) {
            b.portDefinitions = pds == null ? List.of(new PortDefinition(0, "tcp", "default", Map.of())) : pds;
            b.requirePorts = requirePorts != null && requirePorts;
            if (ct != null && ct.portMappings() != null && !ct.portMappings().isEmpty()) {
                invalid.add(path.isEmpty() ? "/" : path, "portMappings are not allowed with host-networking");
            }
            if (ct != null) ct = ct.withPortMappings(null);
        } else {
            if (pds != null && !pds.isEmpty()) {
                invalid.add(path.isEmpty() ? "/" : path, "portDefinitions are only allowed with host-networking");
            }
            b.portDefinitions = List.of();
            b.requirePorts = false;
            if (ct == null) ct = new Container("MESOS", null, null, null, null);
            List<PortMapping> pms = ct.portMappings();
            if (pms == null || pms.isEmpty()) {
                pms = List.of(new PortMapping(0, null, 0, "tcp", "default", Map.of(), List.of()));
            }
            if (bridge) {
                List<PortMapping> withHost = new ArrayList<>();
                for (PortMapping m : pms) withHost.add(m.hostPort() == null ? m.withHostPort(0) : m);
                pms = withHost;
            }
            ct = ct.withPortMappings(pms);
        }
        b.container = ct;

        // Health checks get portIndex 0 when they name no port and the app has ports.
        if (hcs != null) {
            boolean hasPorts = !b.portDefinitions.isEmpty() || (ct != null && ct.portMappings() != null && !ct.portMappings().isEmpty());
            List<HealthCheck> normalized = new ArrayList<>();
            for (HealthCheck hc : hcs) {
                boolean needsIndex = !hc.protocol().equals("COMMAND") && hc.port() == null && hc.portIndex() == null;
                normalized.add(needsIndex && hasPorts ? hc.withPortIndex(0) : hc);
            }
            b.healthChecks = normalized;
        }
        return b.build();
    }

    private static Map<String, String> orEmpty(Map<String, String> m) {
        return m == null ? Map.of() : m;
    }

    private Constraint constraint(JsonNode v, String at) {
        if (!v.isArray()) {
            in.error(at, "error.expected.jsarray");
            return null;
        }
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) {
                in.error(at + "(" + i + ")", "error.expected.jsstring");
                return null;
            }
            parts.add(v.get(i).asText());
        }
        if (parts.size() < 2 || parts.size() > 3) {
            invalid.add(at, "Each constraint must have either 2 or 3 fields");
            return null;
        }
        return new Constraint(parts.get(0), parts.get(1).toUpperCase(java.util.Locale.ROOT), parts.size() == 3 ? parts.get(2) : null);
    }

    private Map<String, EnvValue> env(JsonNode json, String path) {
        JsonNode o = in.object(json, "env", path);
        if (o == null) return null;
        Map<String, EnvValue> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> {
            JsonNode v = e.getValue();
            String at = path + "/env/" + e.getKey();
            if (v.isTextual()) out.put(e.getKey(), EnvValue.of(v.asText()));
            else if (v.isObject() && v.path("secret").isTextual()) out.put(e.getKey(), new EnvValue(null, v.get("secret").asText()));
            else if (v.isNumber() || v.isBoolean()) in.error(at, "error.expected.jsstring");
            else in.error(at, "error.expected.jsstring");
        });
        return out;
    }

    private FetchUri artifact(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        String uri = JsonIn.has(v, "uri") ? in.string(v, "uri", at, 1, null) : in.requiredString(v, "uri", at);
        if (uri != null && uri.length() > 1024) {
            in.error(at + "/uri", "error.maxLength");
            return null;
        }
        Boolean extract = in.bool(v, "extract", at);
        Boolean executable = in.bool(v, "executable", at);
        Boolean cache = in.bool(v, "cache", at);
        String dest = in.string(v, "destPath", at, 1, null);
        if (uri == null) return null;
        return new FetchUri(uri, extract == null || extract, executable != null && executable, cache != null && cache, dest);
    }

    private HealthCheck healthCheck(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        String protocol = in.enumValue(v, "protocol", at, HC_PROTOCOLS);
        JsonNode command = in.object(v, "command", at);
        String commandValue = command == null ? null : in.requiredString(command, "value", at + "/command");
        if (protocol == null) protocol = command != null ? "COMMAND" : "HTTP";
        if (command != null && !protocol.equals("COMMAND")) invalid.add(at, "illegal protocol " + protocol + " specified with command");
        if (protocol.equals("COMMAND") && command == null) invalid.add(at + "/command", "not defined");
        String ipProtocol = in.enumValue(v, "ipProtocol", at, List.of("IPv4", "IPv6"));
        Integer grace = in.integer(v, "gracePeriodSeconds", at, 0, null);
        Integer interval = in.integer(v, "intervalSeconds", at, 0, null);
        Integer maxFail = in.integer(v, "maxConsecutiveFailures", at, 0, null);
        Integer timeout = in.integer(v, "timeoutSeconds", at, null, null);
        Integer delay = in.integer(v, "delaySeconds", at, 0, null);
        Integer port = in.integer(v, "port", at, 0, 65535);
        Integer portIndex = in.integer(v, "portIndex", at, 0, 65535);
        String hcPath = in.string(v, "path", at);
        Boolean ignore1xx = in.bool(v, "ignoreHttp1xx", at);
        return new HealthCheck(protocol, ipProtocol == null ? "IPv4" : ipProtocol, hcPath, port, portIndex, commandValue,
                grace == null ? HealthCheck.DEFAULT_GRACE : grace, interval == null ? HealthCheck.DEFAULT_INTERVAL : interval,
                timeout == null ? HealthCheck.DEFAULT_TIMEOUT : timeout, maxFail == null ? HealthCheck.DEFAULT_MAX_FAILURES : maxFail,
                delay == null ? HealthCheck.DEFAULT_DELAY : delay, ignore1xx != null && ignore1xx);
    }

    private ReadinessCheck readinessCheck(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        String name = in.string(v, "name", at, 1, null);
        String protocol = in.enumValue(v, "protocol", at, List.of("HTTP", "HTTPS"));
        String p = in.string(v, "path", at, 1, null);
        String portName = in.string(v, "portName", at, 1, LEGACY_NAME);
        Integer interval = in.integer(v, "intervalSeconds", at, 0, null);
        Integer timeout = in.integer(v, "timeoutSeconds", at, 1, null);
        List<Integer> codes = in.list(v, "httpStatusCodesForReady", at, (c, cat) -> in.integerValue(c, cat, 100, 999));
        Boolean preserve = in.bool(v, "preserveLastResponse", at);
        return new ReadinessCheck(name == null ? "readinessCheck" : name, protocol == null ? "HTTP" : protocol,
                p == null ? "/" : p, portName == null ? "http-api" : portName, interval == null ? 30 : interval,
                timeout == null ? 10 : timeout, codes == null || codes.isEmpty() ? List.of(200) : codes, preserve != null && preserve);
    }

    private Network network(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        String name = in.string(v, "name", at, 1, Pattern.compile("^[a-z0-9]([-a-z0-9_]*[a-z0-9])?$"));
        String mode = in.enumValue(v, "mode", at, List.of("container", "container/bridge", "host"));
        Map<String, String> labels = in.stringMap(v, "labels", at);
        return new Network(mode == null ? "container" : mode, name, labels);
    }

    private PortDefinition portDefinition(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        Integer port = in.integer(v, "port", at, 0, 65535);
        String protocol = in.enumValue(v, "protocol", at, NET_PROTOCOLS);
        String name = in.string(v, "name", at, 1, LEGACY_NAME);
        Map<String, String> labels = in.stringMap(v, "labels", at);
        return new PortDefinition(port == null ? 0 : port, protocol, name, labels);
    }

    private PortMapping portMapping(JsonNode v, String at) {
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        Integer containerPort = in.integer(v, "containerPort", at, 0, 65535);
        Integer hostPort = in.integer(v, "hostPort", at, 0, 65535);
        Integer servicePort = in.integer(v, "servicePort", at, 0, 65535);
        String protocol = in.enumValue(v, "protocol", at, NET_PROTOCOLS);
        String name = in.string(v, "name", at, 1, LEGACY_NAME);
        Map<String, String> labels = in.stringMap(v, "labels", at);
        List<String> networkNames = in.stringList(v, "networkNames", at);
        return new PortMapping(containerPort == null ? 0 : containerPort, hostPort, servicePort == null ? 0 : servicePort,
                protocol, name, labels, networkNames);
    }

    private Container container(JsonNode c, String at) {
        String type = in.enumValue(c, "type", at, List.of("MESOS", "DOCKER"));
        if (type == null) type = "DOCKER";
        JsonNode d = in.object(c, "docker", at);
        Container.Docker docker = null;
        List<PortMapping> dockerMappings = null;
        if (d != null) {
            String dat = at + "/docker";
            String image = JsonIn.has(d, "image") ? in.string(d, "image", dat, 1, null) : in.requiredString(d, "image", dat);
            Boolean privileged = in.bool(d, "privileged", dat);
            Boolean force = in.bool(d, "forcePullImage", dat);
            List<Container.Parameter> params = in.list(d, "parameters", dat, (p, pat) -> {
                if (!p.isObject()) {
                    in.error(pat, "error.expected.jsobject");
                    return null;
                }
                String key = JsonIn.has(p, "key") ? in.string(p, "key", pat, 1, null) : in.requiredString(p, "key", pat);
                String value = JsonIn.has(p, "value") ? in.string(p, "value", pat) : in.requiredString(p, "value", pat);
                return key == null || value == null ? null : new Container.Parameter(key, value);
            });
            dockerMappings = in.list(d, "portMappings", dat, this::portMapping);
            docker = new Container.Docker(image == null ? "" : image, privileged != null && privileged, params,
                    force != null && force, in.object(d, "pullConfig", dat), in.object(d, "credential", dat));
        }
        List<PortMapping> mappings = in.list(c, "portMappings", at, this::portMapping);
        if (dockerMappings != null && !dockerMappings.isEmpty()) {
            if (mappings != null && !mappings.isEmpty()) invalid.add(at, "cannot specify both portMappings and docker.portMappings");
            else mappings = dockerMappings;
        }
        JsonNode volumes = in.array(c, "volumes", at);
        JsonNode linuxInfo = in.object(c, "linuxInfo", at);
        if (type.equals("DOCKER") && d == null) invalid.add(at + "/docker", "not defined");
        return new Container(type, docker, mappings, volumes == null ? io.strata.common.json.Json.MAPPER.createArrayNode() : volumes, linuxInfo);
    }

    private UnreachableStrategy unreachable(JsonNode json, String path) {
        JsonNode v = JsonIn.get(json, "unreachableStrategy");
        if (v == null) return null;
        String at = path + "/unreachableStrategy";
        if (v.isTextual()) {
            if (v.asText().equals("disabled")) return UnreachableStrategy.DISABLED;
            in.error(at, "error.unknown.enum.literal");
            return null;
        }
        if (!v.isObject()) {
            in.error(at, "error.expected.jsobject");
            return null;
        }
        Long inactive = in.longValue(v, "inactiveAfterSeconds", at, 0L);
        Long expunge = in.longValue(v, "expungeAfterSeconds", at, 0L);
        long ia = inactive == null ? 0 : inactive, ea = expunge == null ? 0 : expunge;
        if (ia > ea) {
            invalid.add(at + "/inactiveAfterSeconds", "inactiveAfterSeconds (" + ia + ") must be less or equal to expungeAfterSeconds, which is " + ea);
        }
        return new UnreachableStrategy(true, ia, ea);
    }
}
