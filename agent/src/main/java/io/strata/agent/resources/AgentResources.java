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
     * The resources the agent offers: the given spec (Mesos {@code --resources} text or its JSON-array form),
     * completed with detected values for whichever of cpus, mem, disk and ports it does not mention; on a
     * public agent every entry without a reservation is statically reserved for {@code slave_public}.
     */
    public static List<Resource> resolve(String spec, boolean isPublic, Machine machine) {
        List<Resource> out = new ArrayList<>();
        Set<String> named = new LinkedHashSet<>();
        if (spec != null && !spec.isBlank()) {
            for (Resource r : Resources.parse(spec).toList()) {
                out.add(r);
                named.add(r.getName());
            }
        }
        List<String> detected = new ArrayList<>();
        if (!named.contains("cpus")) detected.add("cpus:" + machine.processors());
        if (!named.contains("mem")) detected.add("mem:" + offeredMemMb(machine.memTotalMb()));
        if (!named.contains("disk")) detected.add("disk:" + offeredDiskMb(machine.diskTotalMb()));
        if (!named.contains("ports")) detected.add("ports:" + DEFAULT_PORTS);
        if (!detected.isEmpty()) out.addAll(Resources.parse(String.join(";", detected)).toList());
        if (isPublic) out.replaceAll(AgentResources::reserveForPublic);
        return Resources.of(out).toList();
    }

    /** What {@link #resolve} offers, in --resources syntax (reserved entries as {@code cpus(slave_public):2}). */
    public static String effectiveSpec(String spec, boolean isPublic, Machine machine) {
        return Resources.of(resolve(spec, isPublic, machine)).toString();
    }

    private static Resource reserveForPublic(Resource r) {
        if (r.getReservationsCount() > 0) return r; // an explicit role stays
        return r.toBuilder().addReservations(Resource.ReservationInfo.newBuilder()
                .setType(Resource.ReservationInfo.Type.STATIC).setRole(PUBLIC_ROLE)).build();
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

    public static String describe(Machine m) {
        return String.format(Locale.ROOT, "%d processors, %d MB memory, %d MB disk", m.processors(), m.memTotalMb(), m.diskTotalMb());
    }
}
