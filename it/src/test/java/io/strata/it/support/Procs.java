package io.strata.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * What runs on this machine, read from /proc, independent of what the agent says: task processes are found by
 * their environment (MESOS_TASK_ID) and by their sandbox being under a cluster's root directory. Tasks run in
 * their own sessions and outlive a killed agent, so this is how the suite finds, checks and cleans them up.
 */
public final class Procs {
    private static final Path PROC = Path.of("/proc");
    private static final long SELF = ProcessHandle.current().pid();

    private Procs() {}

    /** A process seen in /proc. */
    public record Proc(long pid, String cmdline, Map<String, String> env, String cwd) {}

    /** Every live process (not zombie) except this JVM. */
    public static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path d : dirs) {
                String name = d.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                long pid = Long.parseLong(name);
                if (pid == SELF || !alive(pid)) continue;
                out.add(new Proc(pid, cmdline(pid), environ(pid), cwd(pid)));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }

    /** Processes that belong to a cluster rooted at {@code root}: cwd, sandbox or command line under it. */
    public static List<Proc> under(Path root) {
        String r = real(root);
        List<Proc> out = new ArrayList<>();
        for (Proc p : all()) {
            String sandbox = p.env().getOrDefault("MESOS_SANDBOX", "");
            if ((p.cwd() != null && p.cwd().startsWith(r)) || sandbox.startsWith(r) || p.cmdline().contains(r)
                    || p.cmdline().contains(root.toString())) {
                out.add(p);
            }
        }
        return out;
    }

    /** Task id → pids of the processes carrying that MESOS_TASK_ID, limited to the cluster under root. */
    public static Map<String, Set<Long>> taskPids(Path root) {
        Map<String, Set<Long>> out = new TreeMap<>();
        for (Proc p : under(root)) {
            String id = p.env().get("MESOS_TASK_ID");
            if (id != null) out.computeIfAbsent(id, k -> new TreeSet<>()).add(p.pid());
        }
        return out;
    }

    public static Set<Long> pidsOfTask(Path root, String taskId) {
        return taskPids(root).getOrDefault(taskId, Set.of());
    }

    /** Alive and not a zombie. */
    public static boolean alive(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            int close = stat.lastIndexOf(')');
            char state = close > 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state != 'Z' && state != 'X';
        } catch (IOException e) {
            return false;
        }
    }

    /** The state letter from /proc/pid/stat (R, S, T for stopped, Z, ...), or empty if gone. */
    public static Optional<Character> state(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            int close = stat.lastIndexOf(')');
            return Optional.of(stat.charAt(close + 2));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    public static boolean anyAlive(Set<Long> pids) {
        return pids.stream().anyMatch(Procs::alive);
    }

    /** Sends a signal with kill(1): "KILL", "TERM", "STOP", "CONT". */
    public static void signal(long pid, String sig) {
        if (sig.equals("KILL") || sig.equals("TERM")) {
            ProcessHandle.of(pid).ifPresent(h -> {
                if (sig.equals("KILL")) h.destroyForcibly(); else h.destroy();
            });
            return;
        }
        try {
            Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Process group and session of a pid (fields 5 and 6 of /proc/pid/stat). */
    public static long[] pgidAndSid(long pid) {
        try {
            String stat = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(rest[2]), Long.parseLong(rest[3])};
        } catch (IOException | RuntimeException e) {
            return new long[] {-1, -1};
        }
    }

    /**
     * SIGKILLs every process of the cluster under root (continuing and killing stopped ones too), then waits
     * until they are gone and removes the now empty cgroups they were in. Returns what it found.
     */
    public static List<Proc> killAllUnder(Path root, Duration wait) {
        List<Proc> found = new ArrayList<>();
        long deadline = System.nanoTime() + wait.toNanos();
        Set<String> cgroups = new TreeSet<>();
        // a few rounds: a dying wrapper may have forked a child between the scan and the kill
        for (int round = 0; round < 5; round++) {
            List<Proc> procs = under(root);
            if (procs.isEmpty()) break;
            for (Proc p : procs) {
                if (found.stream().noneMatch(f -> f.pid() == p.pid())) found.add(p);
                cgroups.addAll(cgroupDirs(p.pid()));
                Procs.signal(p.pid(), "KILL");
                if (state(p.pid()).orElse('?') == 'T') Procs.signal(p.pid(), "CONT");
            }
            long left = Math.max(1, deadline - System.nanoTime());
            try {
                Awaitility.await().atMost(Duration.ofNanos(left)).pollInterval(Duration.ofMillis(20))
                        .until(() -> procs.stream().noneMatch(p -> alive(p.pid())));
            } catch (ConditionTimeoutException e) {
                break;
            }
        }
        removeCgroups(cgroups);
        return found;
    }

    /** Removes (now empty) task cgroups; a cgroup may stay busy for a moment after its last process died. */
    public static void removeCgroups(Set<String> dirs) {
        if (dirs.isEmpty()) return;
        Set<String> left = new TreeSet<>(dirs);
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> {
                left.removeIf(dir -> {
                    try {
                        Files.deleteIfExists(Path.of(dir));
                        return true;
                    } catch (IOException | RuntimeException busy) {
                        return false;
                    }
                });
                return left.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            System.out.println("[it] cgroups still busy, left in place: " + left);
        }
    }

    /** The cgroup directories (v1 per controller, or the v2 one) a process is in, except the root cgroup. */
    public static List<String> cgroupDirs(long pid) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("cgroup"))) {
                String[] f = line.split(":", 3);
                if (f.length < 3 || f[2].equals("/") || f[2].isBlank()) continue;
                Path dir = Cgroups.dirFor(f[1], f[2]);
                if (dir != null && f[2].contains("strata")) out.add(dir.toString());
            }
        } catch (IOException | RuntimeException ignored) {
            // gone
        }
        return out;
    }

    static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    private static String cmdline(long pid) {
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
            return new String(b, StandardCharsets.UTF_8).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<String, String> environ(long pid) {
        Map<String, String> env = new HashMap<>();
        try {
            byte[] b = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("environ"));
            for (String kv : new String(b, StandardCharsets.UTF_8).split("\0")) {
                int eq = kv.indexOf('=');
                if (eq > 0) env.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        } catch (IOException e) {
            // exited or not readable
        }
        return env;
    }

    private static String cwd(long pid) {
        try {
            return Files.readSymbolicLink(PROC.resolve(Long.toString(pid)).resolve("cwd")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
