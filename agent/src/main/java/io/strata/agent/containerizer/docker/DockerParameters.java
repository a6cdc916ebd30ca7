package io.strata.agent.containerizer.docker;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.Device;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mesos.v1.Protos.Parameter;

/**
 * {@code DockerInfo.parameters}: Mesos hands each one to {@code docker run} as {@code --key=value}; the agent
 * speaks the Engine API instead, so each supported option is translated to its API field here. As on the
 * command line, parameters come after the agent's own options: single-valued ones replace them (memory,
 * entrypoint, user, ...), list-valued ones add (env, label, volume, dns, ...). The first {@code net}/{@code network}
 * parameter replaces the network (Mesos' rule). An option this table does not know fails the launch with a
 * message naming it, rather than being silently dropped.
 */
final class DockerParameters {
    private static final Pattern SIZE = Pattern.compile("^(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?$", Pattern.CASE_INSENSITIVE);

    private DockerParameters() {}

    static void apply(DockerRunSpec s, List<Parameter> parameters) {
        for (Parameter p : parameters) {
            String key = p.getKey().trim();
            while (key.startsWith("-")) key = key.substring(1);
            String value = p.getValue();
            try {
                applyOne(s, key.toLowerCase(Locale.ROOT), value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("Invalid docker parameter '--" + key + "=" + value + "': " + e.getMessage(), e);
            }
        }
    }

    private static void applyOne(DockerRunSpec s, String key, String v) {
        switch (key) {
            case "label", "l" -> {
                int eq = v.indexOf('=');
                if (eq == 0 || v.isEmpty()) throw new IllegalArgumentException("a label needs a key");
                if (eq < 0) s.labels.put(v, "");
                else s.labels.put(v.substring(0, eq), v.substring(eq + 1));
            }
            case "env", "e" -> {
                int eq = v.indexOf('=');
                if (eq == 0 || v.isEmpty()) throw new IllegalArgumentException("a variable needs a name");
                if (eq < 0) {
                    s.env.remove(v);
                    s.unsetEnv.add(v);
                } else {
                    s.env.put(v.substring(0, eq), v.substring(eq + 1));
                }
            }
            case "volume", "v" -> s.binds.add(volume(v));
            case "volume-driver" -> s.volumeDriver = nonBlank(v);
            case "user", "u" -> s.user = nonBlank(v);
            case "workdir", "w" -> s.workingDir = nonBlank(v);
            case "hostname", "h" -> {
                if ("host".equals(s.networkMode)) throw new IllegalArgumentException("a hostname cannot be set on the host network");
                s.hostname = nonBlank(v);
            }
            case "entrypoint" -> s.entrypoint = v.isEmpty() ? List.of("") : List.of(v);
            case "stop-signal" -> s.stopSignal = nonBlank(v);
            case "mac-address" -> s.macAddress = nonBlank(v);
            case "net", "network" -> {
                if (!s.networkFromParameter) {
                    s.networkMode = nonBlank(v);
                    s.networkFromParameter = true;
                }
            }
            case "add-host" -> s.extraHosts.add(nonBlank(v));
            case "dns" -> s.dns.add(nonBlank(v));
            case "dns-search" -> s.dnsSearch.add(nonBlank(v));
            case "dns-opt", "dns-option" -> s.dnsOptions.add(nonBlank(v));
            case "privileged" -> s.privileged = bool(v);
            case "init" -> s.init = bool(v);
            case "read-only" -> s.readOnly = bool(v);
            case "oom-kill-disable" -> s.oomKillDisable = bool(v);
            case "oom-score-adj" -> s.oomScoreAdj = integer(v);
            case "memory", "m" -> s.memory = size(v);
            case "memory-reservation" -> s.memoryReservation = size(v);
            case "memory-swap" -> s.memorySwap = v.trim().equals("-1") ? -1L : size(v);
            case "memory-swappiness" -> s.memorySwappiness = (long) integer(v);
            case "shm-size" -> s.shmSize = size(v);
            case "cpu-shares", "c" -> s.cpuShares = integer(v);
            case "cpu-quota" -> s.cpuQuota = (long) integer(v);
            case "cpu-period" -> s.cpuPeriod = (long) integer(v);
            case "cpus" -> {
                double cpus;
                try {
                    cpus = Double.parseDouble(v.trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("not a number");
                }
                if (!(cpus > 0) || Double.isInfinite(cpus)) throw new IllegalArgumentException("must be positive");
                s.nanoCpus = (long) (cpus * 1e9); // replaces the quota: Docker refuses both
            }
            case "cpuset-cpus" -> s.cpusetCpus = nonBlank(v);
            case "cpuset-mems" -> s.cpusetMems = nonBlank(v);
            case "pids-limit" -> s.pidsLimit = (long) integer(v);
            case "cap-add" -> s.capAdd.add(capability(v));
            case "cap-drop" -> s.capDrop.add(capability(v));
            case "ulimit" -> s.ulimits.add(ulimit(v));
            case "device" -> s.devices.add(device(v));
            case "security-opt" -> s.securityOpts.add(nonBlank(v));
            case "group-add" -> s.groupAdd.add(nonBlank(v));
            case "sysctl" -> {
                int eq = v.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("expected name=value");
                s.sysctls.put(v.substring(0, eq), v.substring(eq + 1));
            }
            case "tmpfs" -> {
                int colon = v.indexOf(':');
                String path = colon < 0 ? v : v.substring(0, colon);
                if (!path.startsWith("/")) throw new IllegalArgumentException("a tmpfs path must be absolute");
                s.tmpfs.put(path, colon < 0 ? "" : v.substring(colon + 1));
            }
            case "log-driver" -> {
                String name = nonBlank(v);
                LogConfig.LoggingType type = null;
                for (LogConfig.LoggingType t : LogConfig.LoggingType.values()) {
                    if (t != LogConfig.LoggingType.DEFAULT && t.getType().equals(name)) type = t;
                }
                if (type == null) throw new IllegalArgumentException("unknown log driver");
                s.logDriver = type;
            }
            case "log-opt" -> {
                int eq = v.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("expected name=value");
                s.logOptions.put(v.substring(0, eq), v.substring(eq + 1));
            }
            case "pid" -> s.pidMode = nonBlank(v);
            case "ipc" -> s.ipcMode = nonBlank(v);
            case "uts" -> s.utsMode = nonBlank(v);
            case "userns" -> s.usernsMode = nonBlank(v);
            case "cgroup-parent" -> s.cgroupParent = nonBlank(v);
            case "runtime" -> s.runtime = nonBlank(v);
            case "name", "rm", "detach", "d", "restart", "interactive", "i", "tty", "t", "attach", "a", "publish", "p",
                 "publish-all", "expose", "cidfile", "sig-proxy" -> throw new IllegalArgumentException(
                    "the agent decides this itself (name, lifecycle, streams, ports from the task's resources)");
            default -> throw new IllegalArgumentException("this docker option is not supported by the agent");
        }
    }

    private static String nonBlank(String v) {
        if (v == null || v.isBlank()) throw new IllegalArgumentException("a value is required");
        return v.trim();
    }

    private static boolean bool(String v) {
        String t = v.trim().toLowerCase(Locale.ROOT);
        return switch (t) {
            case "", "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static int integer(String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an integer");
        }
    }

    /** Docker's sizes: a number of bytes, or with a binary unit (k, m, g, t, p; "b", "kb", "MiB" too). */
    static long size(String v) {
        Matcher m = SIZE.matcher(v.trim());
        if (!m.matches()) throw new IllegalArgumentException("not a size (e.g. 512m, 1g)");
        double n = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "" : m.group(2).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "" -> 0;
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 50;
        };
        return (long) (n * (1L << shift));
    }

    private static Capability capability(String v) {
        String name = nonBlank(v).toUpperCase(Locale.ROOT);
        if (name.startsWith("CAP_")) name = name.substring(4);
        try {
            return Capability.valueOf(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown capability");
        }
    }

    private static Ulimit ulimit(String v) {
        int eq = v.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected name=soft[:hard]");
        String[] limits = v.substring(eq + 1).split(":", -1);
        try {
            long soft = Long.parseLong(limits[0].trim());
            long hard = limits.length > 1 ? Long.parseLong(limits[1].trim()) : soft;
            if (limits.length > 2) throw new IllegalArgumentException("expected name=soft[:hard]");
            return new Ulimit(v.substring(0, eq).trim(), soft, hard);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected name=soft[:hard]");
        }
    }

    private static Device device(String v) {
        String[] parts = nonBlank(v).split(":", -1);
        if (parts.length > 3) throw new IllegalArgumentException("expected host[:container[:permissions]]");
        String host = parts[0];
        String inContainer = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : host;
        String perms = parts.length > 2 && !parts[2].isEmpty() ? parts[2] : "rwm";
        if (!host.startsWith("/") || !inContainer.startsWith("/")) throw new IllegalArgumentException("device paths must be absolute");
        if (!perms.matches("[rwm]+")) throw new IllegalArgumentException("permissions are r, w and m");
        return new Device(perms, inContainer, host);
    }

    /**
     * {@code -v src:dst[:ro|rw]}: an absolute host path (which must exist on the agent, as volumes of the
     * ContainerInfo) or a named Docker volume.
     */
    private static Bind volume(String v) {
        String[] parts = nonBlank(v).split(":", -1);
        if (parts.length < 2 || parts.length > 3) throw new IllegalArgumentException("expected source:target[:ro|rw]");
        String source = parts[0];
        String target = DockerRunSpec.normalizeAbsolute(parts[1], "volume target");
        AccessMode mode = AccessMode.rw;
        if (parts.length == 3) {
            List<String> opts = new ArrayList<>(List.of(parts[2].split(",")));
            if (opts.remove("ro")) mode = AccessMode.ro;
            opts.remove("rw");
            if (!opts.isEmpty()) throw new IllegalArgumentException("volume options other than ro and rw are not supported");
        }
        if (source.startsWith("/")) {
            source = DockerRunSpec.normalizeAbsolute(source, "volume source");
            if (!Files.exists(Path.of(source))) throw new IllegalArgumentException("the host path does not exist on this agent");
        } else if (!source.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
            throw new IllegalArgumentException("the source must be an absolute host path or a volume name");
        }
        return new Bind(source, new com.github.dockerjava.api.model.Volume(target), mode);
    }
}
