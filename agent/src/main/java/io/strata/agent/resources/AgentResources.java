package io.strata.agent.resources;

import io.strata.common.resources.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.mesos.v1.Protos.Resource;

/**
 * The resources an agent offers. {@code --resources} wins for what it names; cpus, mem, disk and ports it does
 * not name are detected as Mesos does: every processor, memory minus min(1 GB, half), the work directory's
 * file system minus min(5 GB, half), ports [31000-32000]. A public agent reserves everything it has without an
 * explicit role to {@code slave_public}.
 */
public final class AgentResources {
    public static final String PUBLIC_ROLE = "slave_public";
    public static final String DEFAULT_PORTS = "[31000-32000]";

    /** What the machine has, in whole MB. */
    public record Machine(int processors, long memTotalMb, long diskTotalMb) {
        public static Machine probe(Path workDir) {
            return new Machine(Runtime.getRuntime().availableProcessors(), AgentResources.memTotalMb(), AgentResources.diskTotalMb(workDir));
        }
    }

    private AgentResources() {}

    /** Memory Mesos offers out of the machine's total: all but min(1 GB, half). */
    public static long offeredMemMb(long totalMb) {
        return totalMb - Math.min(1024, totalMb / 2);
    }

    /** Disk Mesos offers out of the file system's total: all but min(5 GB, half). */
    public static long offeredDiskMb(long totalMb) {
        return totalMb - Math.min(5120, totalMb / 2);
    }

    /**
     * The resource spec the agent offers, in Mesos --resources syntax: the given one, completed with detected
     * values for whichever of cpus, mem, disk and ports it does not mention, and for a public agent with
     * {@code (slave_public)} on every entry that has no role.
     */
    public static String effectiveSpec(String spec, boolean isPublic, Machine machine) {
        List<String> entries = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        if (spec != null) {
            for (String e : spec.split(";")) {
                String t = e.trim();
                if (t.isEmpty()) continue;
                entries.add(t);
                named.add(name(t));
            }
        }
        if (!named.contains("cpus")) entries.add("cpus:" + machine.processors());
        if (!named.contains("mem")) entries.add("mem:" + offeredMemMb(machine.memTotalMb()));
        if (!named.contains("disk")) entries.add("disk:" + offeredDiskMb(machine.diskTotalMb()));
        if (!named.contains("ports")) entries.add("ports:" + DEFAULT_PORTS);
        if (isPublic) entries.replaceAll(AgentResources::reserveForPublic);
        return String.join(";", entries);
    }

    public static List<Resource> resolve(String spec, boolean isPublic, Machine machine) {
        return Resources.parse(effectiveSpec(spec, isPublic, machine)).toList();
    }

    /** The resource name of one spec entry: what comes before its role, labels or colon. */
    static String name(String entry) {
        int end = entry.length();
        for (char c : new char[] {'(', '{', ':'}) {
            int i = entry.indexOf(c);
            if (i >= 0 && i < end) end = i;
        }
        return entry.substring(0, end).trim();
    }

    private static String reserveForPublic(String entry) {
        String n = name(entry);
        String rest = entry.substring(entry.indexOf(n) + n.length());
        if (rest.startsWith("(")) return entry; // an explicit role stays
        return n + "(" + PUBLIC_ROLE + ")" + rest;
    }

    static long memTotalMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("MemTotal:")) {
                    String kb = line.substring("MemTotal:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through
        }
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getTotalMemorySize() / (1024 * 1024);
        return 1024;
    }

    static long diskTotalMb(Path workDir) {
        Path p = workDir.toAbsolutePath();
        while (p != null && !Files.exists(p)) p = p.getParent();
        try {
            return Files.getFileStore(p == null ? Path.of("/") : p).getTotalSpace() / (1024 * 1024);
        } catch (IOException e) {
            return 10_240;
        }
    }

    static String describe(Machine m) {
        return String.format(Locale.ROOT, "%d processors, %d MB memory, %d MB disk", m.processors(), m.memTotalMb(), m.diskTotalMb());
    }
}
