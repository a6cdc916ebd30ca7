package io.strata.marathon.validation;

import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Constraint;
import io.strata.marathon.model.FetchUri;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.PortDefinition;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.ReadinessCheck;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Marathon's semantic checks on a canonical app ({@code "Object is not valid"}), with its messages and paths.
 * Pure: the caller supplies the roles the app may use.
 */
public final class AppValidator {
    public static final String CMD_ARGS_CONTAINER = "AppDefinition must either contain one of 'cmd' or 'args', and/or a 'container'.";
    public static final String HC_PORT_INDEX = "Health check port indices must address an element of the ports array or container port mappings.";
    public static final String ONE_MESOS_HC = "AppDefinition can contain at most one Mesos health check";
    public static final String IPV6 = "IPv6 can only be used for container type DOCKER and Mesos http/https/tcp health checks";
    public static final String OPERATOR = "operator must be one of the following UNIQUE, CLUSTER, GROUP_BY, LIKE, MAX_PER, UNLIKE or IS";
    private static final Pattern IS_VALUE = Pattern.compile("^[a-zA-Z0-9_/.-]*$");

    private AppValidator() {}

    /**
     * @param path       where the app sits in the request ("" for a whole body)
     * @param validRoles roles the app may have (Marathon's --mesos_role, the top-level group's role, its current role)
     */
    public static void validate(AppDefinition app, String path, Set<String> validRoles, Violations v) {
        String root = path.isEmpty() ? "/" : path;
        List<String> idErrors = PathId.violations(app.id());
        idErrors.forEach(e -> v.add(path + "/id", e));
        if (app.id().isRoot()) v.add(path + "/id", "Path must contain at least one path element");
        for (int i = 0; i < app.dependencies().size(); i++) {
            for (String e : PathId.violations(app.dependencies().get(i))) v.add(path + "/dependencies(" + i + ")", e);
        }

        boolean cmd = app.cmd() != null, args = !app.args().isEmpty();
        boolean container = app.container() != null && (app.container().docker() != null || "MESOS".equals(app.container().type()));
        if (!((cmd ^ args) || (!(cmd && args) && container))) v.add(root, CMD_ARGS_CONTAINER);

        if (app.container() != null && app.container().docker() != null && app.container().docker().image().isEmpty()) {
            v.add(path + "/container/docker/image", "must not be empty");
        }
        checkPortDefinitions(app.portDefinitions(), path + "/portDefinitions", v);
        if (app.container() != null && app.container().portMappings() != null) {
            checkPortMappings(app.container().portMappings(), path + "/container/portMappings", v);
        }

        int portCount = app.usesHostNetworking() ? app.portDefinitions().size() : app.portMappings().size();
        int mesosChecks = 0;
        for (int i = 0; i < app.healthChecks().size(); i++) {
            HealthCheck hc = app.healthChecks().get(i);
            String at = path + "/healthChecks(" + i + ")";
            if (hc.runByMarathon()) {
                boolean ok = hc.portIndex() != null ? hc.portIndex() < portCount : hc.port() != null || portCount == 1;
                if (!ok) v.add(at, HC_PORT_INDEX);
            }
            boolean mesosHttpOrTcp = hc.protocol().startsWith("MESOS_");
            if (!hc.ipProtocol().equals("IPv4") && !(mesosHttpOrTcp && app.container() != null && app.container().isDocker())) {
                v.add(at, IPV6);
            }
            if (hc.runByMesos() && !hc.protocol().equals("COMMAND")) mesosChecks++;
        }
        if (mesosChecks > 1) v.add(root, ONE_MESOS_HC);

        for (int i = 0; i < app.fetch().size(); i++) {
            FetchUri f = app.fetch().get(i);
            try {
                new URI(f.uri());
            } catch (URISyntaxException e) {
                v.add(path + "/fetch(" + i + ")/uri", "URI has invalid syntax.");
            }
        }

        for (int i = 0; i < app.constraints().size(); i++) {
            String err = constraintError(app.constraints().get(i));
            if (err != null) v.add(path + "/constraints(" + i + ")", err);
        }

        if (app.readinessChecks().size() > 1) v.add(path + "/readinessChecks", "got " + app.readinessChecks().size() + ", expected 1 or less");
        List<String> names = app.portNames();
        for (int i = 0; i < app.readinessChecks().size(); i++) {
            ReadinessCheck rc = app.readinessChecks().get(i);
            String at = path + "/readinessChecks(" + i + ")";
            if (!names.contains(rc.portName())) v.add(at + "/portName", "No port definition reference for portName " + rc.portName());
            if (rc.timeoutSeconds() >= rc.intervalSeconds()) {
                v.add(at + "/timeoutSeconds", "got " + rc.timeoutSeconds() + ", expected less than " + rc.intervalSeconds());
            }
        }

        for (int i = 0; i < app.acceptedResourceRoles().size(); i++) {
            String r = app.acceptedResourceRoles().get(i);
            String err = roleNameError(r);
            if (err != null) v.add(path + "/acceptedResourceRoles(" + i + ")", err);
        }
        if (!validRoles.isEmpty() && !validRoles.contains(app.role())) {
            v.add(path + "/role", "is not one of (" + String.join(",", new TreeSet<>(validRoles)) + ")");
        }
        TreeSet<String> allowed = new TreeSet<>(List.of("*", app.role()));
        if (!app.acceptedResourceRoles().isEmpty() && !allowed.containsAll(app.acceptedResourceRoles())) {
            v.add(path + "/acceptedResourceRoles", "acceptedResourceRoles can only contain " + String.join(" and ", allowed));
        }

        if (app.isSingleInstance()) {
            if (app.instances() > 1) v.add(root, "Single instance app may only have one instance");
            if (app.upgradeStrategy().minimumHealthCapacity() != 0.0) {
                v.add(path + "/upgradeStrategy/minimumHealthCapacity", "got " + app.upgradeStrategy().minimumHealthCapacity() + ", expected 0.0");
            }
            if (app.upgradeStrategy().maximumOverCapacity() != 0.0) {
                v.add(path + "/upgradeStrategy/maximumOverCapacity", "got " + app.upgradeStrategy().maximumOverCapacity() + ", expected 0.0");
            }
        }
        String migration = app.labels().get("DCOS_MIGRATION_API_VERSION");
        if (migration != null && !migration.isEmpty()) {
            boolean ok = migration.equals("v1") && !app.labels().getOrDefault("DCOS_PACKAGE_FRAMEWORK_NAME", "").isEmpty()
                    && !app.labels().getOrDefault("DCOS_MIGRATION_API_PATH", "").isEmpty();
            if (!ok) v.add(root, "DCOS_PACKAGE_FRAMEWORK_NAME and DCOS_MIGRATION_API_PATH must be defined when using DCOS_MIGRATION_API_VERSION");
        }
        if (app.gpus() > 0) v.add(root, "Feature gpu_resources is not enabled. Enable with --enable_features gpu_resources)");
        if (app.secrets() != null && app.secrets().size() > 0) v.add(path + "/secrets", "Feature secrets is not enabled. Enable with --enable_features secrets)");
        app.env().forEach((k, e) -> {
            if (e.secret() != null) v.add(path + "/env/" + k, "Feature secrets is not enabled. Enable with --enable_features secrets)");
        });
        long containerNetworks = app.networks().stream().filter(n -> n.mode().equals("container")).count();
        checkNetworks(app.networks(), path + "/networks", v);
        if (app.container() != null && app.container().isDocker() && containerNetworks > 1) {
            v.add(root, "may only specify a single container network when using the Docker container engine");
        }
    }

    static void checkNetworks(List<io.strata.marathon.model.Network> nets, String at, Violations v) {
        long hosts = 0, bridges = 0, containers = 0;
        for (var n : nets) {
            if (n.isHost()) {
                hosts++;
                if (n.name() != null || !n.labels().isEmpty()) v.add(at, "Host networks may not have names or labels");
            } else if (n.isBridge()) {
                bridges++;
                if (n.name() != null) v.add(at, "Bridge networks may not have names");
            } else {
                containers++;
                if (n.name() == null) v.add(at, "Network name must be specified when container network is selected.");
            }
        }
        if (new HashSet<>(nets).size() != nets.size()) v.add(at, "Duplicate networks are not allowed");
        boolean ok = (hosts == 1 && bridges == 0 && containers == 0) || (bridges == 1 && hosts == 0 && containers == 0)
                || (containers >= 1 && hosts == 0 && bridges == 0);
        if (!ok) v.add(at, "May specify a single host network, single bridge network, or else 1-to-n container networks");
    }

    static void checkPortDefinitions(List<PortDefinition> defs, String at, Violations v) {
        Set<String> names = new HashSet<>();
        Set<Integer> ports = new HashSet<>();
        boolean dupName = false, dupPort = false;
        for (PortDefinition d : defs) {
            if (d.name() != null && !names.add(d.name())) dupName = true;
            if (d.port() != 0 && !ports.add(d.port())) dupPort = true;
        }
        if (dupName) v.add(at, "Port names must be unique.");
        if (dupPort) v.add(at, "Ports must be unique.");
    }

    static void checkPortMappings(List<PortMapping> mappings, String at, Violations v) {
        Set<String> names = new HashSet<>();
        for (PortMapping m : mappings) {
            if (m.name() != null && !names.add(m.name())) {
                v.add(at, "Port names must be unique.");
                return;
            }
        }
    }

    /** Marathon's rules for one app constraint; null when valid. */
    public static String constraintError(Constraint c) {
        if (c.field().isEmpty()) return "missing field for constraint declaration";
        String op = c.operator().toUpperCase(Locale.ROOT);
        String value = c.value();
        return switch (op) {
            case "UNIQUE" -> value == null ? null : "UNIQUE does not accept a value";
            case "CLUSTER" -> null;
            case "GROUP_BY" -> value == null || isInt(value) ? null : "GROUP BY must define an integer value or else no value at all";
            case "MAX_PER" -> value != null && isInt(value) ? null : "MAX_PER requires an integer value";
            case "LIKE", "UNLIKE" -> {
                if (value == null) yield "LIKE and UNLIKE require a non-empty, regular expression value";
                try {
                    Pattern.compile(value);
                    yield null;
                } catch (PatternSyntaxException e) {
                    yield "is not a valid regular expression";
                }
            }
            case "IS" -> IS_VALUE.matcher(value == null ? "" : value).matches() ? null
                    : "IS only supports Mesos text and float values (see http://mesos.apache.org/documentation/latest/attributes-resources/)";
            default -> OPERATOR;
        };
    }

    private static boolean isInt(String s) {
        try {
            Integer.parseInt(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String roleNameError(String role) {
        if (role.isEmpty()) return "A role name must not be \"\".";
        if (role.equals(".")) return "A role name must not be \".\".";
        if (role.equals("..")) return "A role name must not be \"..\".";
        if (role.startsWith("-")) return "A role name must not start with a '-'.";
        for (char c : role.toCharArray()) {
            switch (c) {
                case '\t': return "A role name must not include a horizontal tab (\\x09) character.";
                case '\n': return "A role name must not include a line feed (\\x0a) character.";
                case '\u000b': return "A role name must not include a vertical tab (\\x0b) character.";
                case '\f': return "A role name must not include a form feed (\\x0c) character.";
                case '\r': return "A role name must not include a carriage return (\\x0d) character.";
                case ' ': return "A role name must not include a space (\\x20) character.";
                case '/': return "A role name must not include a slash (\\x2f) character.";
                case '\u007f': return "A role name must not include a backspace (\\x7f) character.";
                default: break;
            }
        }
        return null;
    }
}
