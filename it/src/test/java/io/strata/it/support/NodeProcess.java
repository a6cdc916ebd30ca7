package io.strata.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code java -jar dcos-node.jar <subcommand> ...} daemon. Output goes to its log file (appended across
 * restarts, with a banner per start). {@link #kill9()} kills only the daemon's own JVM, as a crash would:
 * tasks it started keep running.
 */
public final class NodeProcess {
    private final String name;
    private final List<String> args;
    private final Path log;
    private Process process;
    private int starts;
    private boolean stoppedByTest;

    public NodeProcess(String name, List<String> args, Path log) {
        this.name = name;
        this.args = List.copyOf(args);
        this.log = log;
    }

    public String name() {
        return name;
    }

    public Path log() {
        return log;
    }

    public List<String> args() {
        return args;
    }

    public synchronized NodeProcess start() {
        if (process != null && process.isAlive()) throw new IllegalStateException(name + " is already running");
        List<String> cmd = new ArrayList<>();
        cmd.add(ItEnv.java());
        // small, fast-starting JVMs: several run at once on a small CI machine
        cmd.addAll(List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        cmd.add("-jar");
        cmd.add(ItEnv.nodeJar().toString());
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            starts++;
            Files.writeString(log, "\n===== it: start #" + starts + " of " + name + " at " + Instant.now() + "\n===== "
                            + String.join(" ", cmd) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            process = pb.start();
            stoppedByTest = false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        return this;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    public synchronized long pid() {
        if (process == null) throw new IllegalStateException(name + " was never started");
        return process.pid();
    }

    public synchronized Process process() {
        return process;
    }

    /** SIGKILL the daemon JVM only (its tasks survive, as after a crash). Waits until it is gone. */
    public synchronized void kill9() {
        if (process == null) return;
        stoppedByTest = true;
        process.destroyForcibly();
        waitFor(process, Duration.ofSeconds(30));
        note("killed with SIGKILL by the test");
    }

    /** SIGTERM, as an operator stopping the daemon would; returns whether it exited within the timeout. */
    public synchronized boolean terminate(Duration timeout) {
        if (process == null || !process.isAlive()) return true;
        stoppedByTest = true;
        note("sent SIGTERM by the test");
        process.destroy();
        return waitFor(process, timeout);
    }

    public synchronized void signal(String sig) {
        if (sig.equals("STOP") || sig.equals("KILL") || sig.equals("TERM")) stoppedByTest = true;
        note("sent SIG" + sig + " by the test");
        Procs.signal(pid(), sig);
    }

    /** Kills the daemon and everything below it in the process tree (cleanup; tasks in other sessions too). */
    public synchronized void killTree() {
        if (process == null) return;
        stoppedByTest = true;
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        if (Procs.state(process.pid()).orElse('?') == 'T') Procs.signal(process.pid(), "CONT");
        process.destroyForcibly();
        tree.forEach(ProcessHandle::destroyForcibly);
        waitFor(process, Duration.ofSeconds(30));
    }

    /** kill -9 (if running) and start again with the same arguments, port and work dir. */
    public synchronized NodeProcess restart() {
        if (isAlive()) kill9();
        return start();
    }

    /** The daemon's exit code, or null while it runs. */
    public synchronized Integer exitCode() {
        if (process == null || process.isAlive()) return null;
        return process.exitValue();
    }

    public String tail(int lines) {
        return tail(log, lines);
    }

    public static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(no log at " + file + ": " + e + ")";
        }
    }

    /** Whether the test itself stopped, killed or froze this daemon since its last start. */
    public synchronized boolean stoppedByTest() {
        return stoppedByTest;
    }

    /** Fails fast with the log tail when the daemon died while the test waits for it. */
    public void assertAlive() {
        if (!isAlive()) {
            throw new AssertionError(name + " exited with code " + exitCode() + "; last log lines of " + log + ":\n"
                    + tail(60));
        }
    }

    private void note(String what) {
        try {
            Files.writeString(log, "\n===== it: " + name + " " + what + " at " + Instant.now() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // logging the test's own action is best effort
        }
    }

    private static boolean waitFor(Process p, Duration timeout) {
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return name + (process != null ? "(pid " + process.pid() + ")" : "");
    }
}
