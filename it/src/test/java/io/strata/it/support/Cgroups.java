package io.strata.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Reads task cgroup limits, for cgroup v1 (per-controller hierarchies) and v2 (unified). */
public final class Cgroups {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private Cgroups() {}

    /** Whether this host lets us (and so the agent) create memory cgroups. */
    public static boolean memoryWritable() {
        Path parent = v1Memory() ? ROOT.resolve("memory") : v2Root();
        if (parent == null || !Files.isDirectory(parent)) return false;
        if (!v1Memory()) {
            try {
                if (!Files.readString(parent.resolve("cgroup.controllers")).contains("memory")) return false;
            } catch (IOException e) {
                return false;
            }
        }
        Path probe = parent.resolve("strata-it-probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The memory limit of the cgroup described by a {@code /proc/<pid>/cgroup} text (what a task wrote with
     * {@code cat /proc/self/cgroup}); empty when the process is in no memory cgroup of its own.
     */
    public static OptionalLong memoryLimit(String procCgroup) {
        String v2Path = null;
        for (String line : procCgroup.split("\n")) {
            String[] f = line.trim().split(":", 3);
            if (f.length < 3) continue;
            if (f[0].equals("0") && f[1].isEmpty()) {
                v2Path = f[2];
                continue;
            }
            for (String controller : f[1].split(",")) {
                if (controller.equals("memory")) {
                    if (f[2].equals("/")) return OptionalLong.empty();
                    return readLimit(dirFor(f[1], f[2]).resolve("memory.limit_in_bytes"));
                }
            }
        }
        if (v2Path != null && !v2Path.equals("/") && v2Root() != null) {
            return readLimit(v2Root().resolve(v2Path.substring(1)).resolve("memory.max"));
        }
        return OptionalLong.empty();
    }

    /** The directory of a cgroup given the controller list and path from /proc/pid/cgroup. */
    static Path dirFor(String controllers, String path) {
        String rel = path.startsWith("/") ? path.substring(1) : path;
        if (controllers.isEmpty()) {
            Path v2 = v2Root();
            return v2 == null ? null : v2.resolve(rel);
        }
        String mount = controllers.startsWith("name=") ? controllers.substring(5) : controllers;
        Path dir = ROOT.resolve(mount);
        if (!Files.isDirectory(dir)) {
            // combined mounts such as cpu,cpuacct
            dir = ROOT.resolve(controllers.replace("name=", ""));
        }
        return dir.resolve(rel);
    }

    private static boolean v1Memory() {
        return Files.isRegularFile(ROOT.resolve("memory").resolve("memory.limit_in_bytes"));
    }

    private static Path v2Root() {
        if (Files.isRegularFile(ROOT.resolve("cgroup.controllers"))) return ROOT;
        Path unified = ROOT.resolve("unified");
        if (Files.isRegularFile(unified.resolve("cgroup.controllers"))) return unified;
        return null;
    }

    private static OptionalLong readLimit(Path file) {
        try {
            String v = Files.readString(file).trim();
            if (v.equals("max")) return OptionalLong.of(Long.MAX_VALUE);
            return OptionalLong.of(Long.parseLong(v));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
