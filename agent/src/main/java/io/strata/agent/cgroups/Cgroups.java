package io.strata.agent.cgroups;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts tasks into cgroups with memory and CPU limits. Which kind of cgroups this host has is found once, from
 * the mount table: a v1 {@code memory} hierarchy (possibly next to a controller-less cgroup2 at
 * {@code /sys/fs/cgroup/unified}), or a v2 hierarchy that has the memory controller. A host where neither can
 * be written gets {@link Disabled}: tasks run without limits, and the agent says so once.
 */
public abstract sealed class Cgroups permits CgroupsV1, CgroupsV2, Cgroups.Disabled {
    static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);

    /** Name of the parent cgroup every task cgroup lives under, e.g. "strata". */
    protected final String root;
    private volatile boolean warned;
    private volatile boolean broken;

    protected Cgroups(String root) {
        this.root = root;
    }

    /** Finds the cgroup layout from {@code /proc/self/mounts}; {@code root} null disables cgroups. */
    public static Cgroups detect(String root) {
        if (root == null || root.isBlank()) return new Disabled("cgroups are disabled (no cgroups root)");
        List<String> mounts;
        try {
            mounts = Files.readAllLines(Path.of("/proc/self/mounts"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return new Disabled("cannot read /proc/self/mounts: " + e.getMessage());
        }
        return detect(root, mounts);
    }

    /** Detection from mount-table lines ({@code <dev> <mountpoint> <type> <options> ...}); testable on fake trees. */
    public static Cgroups detect(String root, List<String> mountLines) {
        if (root == null || root.isBlank()) return new Disabled("cgroups are disabled (no cgroups root)");
        if (!isSafeRoot(root)) return new Disabled("cgroups root '" + root + "' must be a relative name like 'strata'");
        Path memory = null;
        Path cpu = null;
        List<Path> v2 = new ArrayList<>();
        for (String line : mountLines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4) continue;
            Path mountPoint = Path.of(unescape(f[1]));
            Set<String> options = new LinkedHashSet<>(List.of(f[3].split(",")));
            if (f[2].equals("cgroup")) {
                if (options.contains("memory") && memory == null) memory = mountPoint;
                if (options.contains("cpu") && cpu == null) cpu = mountPoint;
            } else if (f[2].equals("cgroup2")) {
                v2.add(mountPoint);
            }
        }
        if (memory != null) return new CgroupsV1(root, memory, cpu);
        for (Path p : v2) {
            if (controllers(p).contains("memory")) return new CgroupsV2(root, p);
        }
        return new Disabled("no cgroup hierarchy with the memory controller is mounted");
    }

    private static boolean isSafeRoot(String root) {
        for (String part : root.split("/")) {
            if (!io.strata.common.ids.Ids.isSafePathSegment(part)) return false;
        }
        return true;
    }

    /** The mount table escapes spaces and a few other characters as octal. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    static Set<String> controllers(Path cgroupDir) {
        try {
            String text = Files.readString(cgroupDir.resolve("cgroup.controllers"), StandardCharsets.UTF_8).trim();
            return text.isEmpty() ? Set.of() : new LinkedHashSet<>(List.of(text.split("\\s+")));
        } catch (IOException e) {
            return Set.of();
        }
    }

    /** 1, 2, or 0 when disabled. */
    public abstract int version();

    /** A line for the log and /state flags. */
    public abstract String describe();

    /**
     * Creates the task's cgroup with its limits. Empty when cgroups are unavailable; the first failure is
     * logged once as a warning, and later tasks do not try again.
     */
    public final Optional<Cgroup> create(String containerId, CgroupLimits limits) {
        if (broken || version() == 0) return Optional.empty();
        try {
            return Optional.of(doCreate(containerId, limits));
        } catch (IOException | RuntimeException e) {
            broken = true;
            warnOnce("cannot create a cgroup for tasks (" + describe() + "): " + e.getMessage()
                    + "; tasks run without cpu and memory limits");
            return Optional.empty();
        }
    }

    protected abstract Cgroup doCreate(String containerId, CgroupLimits limits) throws IOException;

    /** Whether the kernel OOM-killed a process in this cgroup. */
    public abstract boolean oomKilled(Cgroup cgroup);

    /** Pids currently in the cgroup. */
    public List<Long> pids(Cgroup cgroup) {
        List<Long> out = new ArrayList<>();
        for (Path procs : cgroup.procsFiles()) {
            try {
                for (String line : Files.readAllLines(procs)) {
                    if (!line.isBlank()) out.add(Long.parseLong(line.trim()));
                }
            } catch (IOException | NumberFormatException e) {
                // gone already
            }
        }
        return out.stream().distinct().toList();
    }

    /**
     * Kills whatever is left in the cgroup (a task's stray background processes) and removes its directories.
     * Bounded: gives up after about a second and leaves the directory for the next attempt.
     */
    public void destroy(Cgroup cgroup) {
        for (int attempt = 0; attempt < 20; attempt++) {
            for (long pid : pids(cgroup)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            boolean all = true;
            for (Path dir : cgroup.dirs()) {
                try {
                    Files.deleteIfExists(dir);
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // on a real cgroupfs rmdir works despite the control files; on a fake tree remove them
                    if (!isCgroupFs(dir)) deleteTree(dir);
                    else all = false;
                } catch (IOException e) {
                    all = false;
                }
            }
            if (all) return;
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("msg=\"cannot remove task cgroup; it still has processes\" dirs={}", cgroup.dirs());
    }

    private static boolean isCgroupFs(Path dir) {
        try {
            String type = Files.getFileStore(dir).type();
            return type.startsWith("cgroup");
        } catch (IOException e) {
            return false;
        }
    }

    private static void deleteTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // leave it
        }
    }

    protected final void warnOnce(String message) {
        if (!warned) {
            warned = true;
            LOG.warn("msg=\"{}\"", message);
        }
    }

    protected static void write(Path file, String value) throws IOException {
        Files.writeString(file, value, StandardCharsets.US_ASCII);
    }

    protected static long counter(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                String[] kv = line.trim().split("\\s+");
                if (kv.length == 2 && kv[0].equals(key)) return Long.parseLong(kv[1]);
            }
        } catch (IOException | NumberFormatException e) {
            // not available
        }
        return -1;
    }

    /** No cgroups: tasks run unconfined. */
    public static final class Disabled extends Cgroups {
        private final String reason;

        public Disabled(String reason) {
            super(null);
            this.reason = reason;
        }

        @Override
        public int version() {
            return 0;
        }

        @Override
        public String describe() {
            return "disabled: " + reason;
        }

        @Override
        protected Cgroup doCreate(String containerId, CgroupLimits limits) throws IOException {
            throw new IOException(reason);
        }

        @Override
        public boolean oomKilled(Cgroup cgroup) {
            return false;
        }
    }
}
