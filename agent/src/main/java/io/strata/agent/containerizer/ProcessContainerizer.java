package io.strata.agent.containerizer;

import io.strata.agent.cgroups.Cgroup;
import io.strata.agent.cgroups.CgroupLimits;
import io.strata.agent.cgroups.Cgroups;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task commands as plain processes: {@code setsid} gives each its own session and process group, output
 * goes straight to {@code stdout}/{@code stderr} files in the sandbox (the agent holds no pipe, so a task
 * outlives an agent that is killed), and the {@link LaunchScript} wrapper joins the cgroup and records the exit
 * status.
 */
public final class ProcessContainerizer {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessContainerizer.class);
    /** Processes started within this much of the checkpointed start time are the same process. */
    private static final long START_TIME_TOLERANCE_MS = 1_000;

    public static final String PID_FILE = "pid";
    public static final String EXIT_STATUS_FILE = "exit_status";
    /** The wrapper's {@code $0}, what {@code ps} shows after {@code sh -c <script>}. */
    public static final String WRAPPER_NAME = "strata-task-wrapper";

    /**
     * @param containerId the container's uuid
     * @param sandbox     working directory; created, with empty stdout/stderr
     * @param metaDir     where the wrapper keeps its files; created
     * @param command     what to run
     * @param environment the complete environment
     * @param limits      cgroup limits for the task
     */
    public record LaunchRequest(String containerId, Path sandbox, Path metaDir, CommandInfo command,
                                Map<String, String> environment, CgroupLimits limits) {}

    /** A container just started by this agent, with its Process (this agent is its parent). */
    public record Launched(Container container, Process process) {}

    public enum Signal { TERM, KILL }

    private final Cgroups cgroups;

    public ProcessContainerizer(Cgroups cgroups) {
        this.cgroups = cgroups;
    }

    public Cgroups cgroups() {
        return cgroups;
    }

    public Launched launch(LaunchRequest req) throws IOException {
        List<String> command = LaunchScript.commandLine(req.command()); // IllegalArgumentException: bad command
        Files.createDirectories(req.sandbox());
        Files.createDirectories(req.metaDir());
        Path stdout = req.sandbox().resolve("stdout");
        Path stderr = req.sandbox().resolve("stderr");
        // created here (appended to, so a relaunch into the same sandbox keeps what is there), before the process
        // exists, so /files can list them at once
        if (!Files.exists(stdout)) Files.createFile(stdout);
        if (!Files.exists(stderr)) Files.createFile(stderr);
        Files.deleteIfExists(req.metaDir().resolve(EXIT_STATUS_FILE));

        Optional<Cgroup> cgroup = cgroups.create(req.containerId(), req.limits());
        String script = LaunchScript.render(req.metaDir().resolve(PID_FILE), req.metaDir().resolve(EXIT_STATUS_FILE),
                cgroup.map(Cgroup::procsFiles).orElse(List.of()));

        // the wrapper goes in as `sh -c <script>`, not as a file: creating a file is the dearest part of a launch
        List<String> argv = new ArrayList<>();
        argv.add(LaunchScript.SETSID);
        argv.add(LaunchScript.SHELL);
        argv.add("-c");
        argv.add(script);
        argv.add(WRAPPER_NAME); // $0
        argv.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(req.sandbox().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(stdout.toFile()))
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
        pb.environment().clear();
        pb.environment().putAll(req.environment());
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            cgroup.ifPresent(cgroups::destroy);
            throw e;
        }
        Long start = process.info().startInstant().map(Instant::toEpochMilli).orElse(null);
        Container container = new Container(req.containerId(), process.pid(), start, req.sandbox(), req.metaDir(), cgroup.orElse(null));
        LOG.info("msg=\"task process started\" container={} pid={} cgroup={}", req.containerId(), process.pid(),
                cgroup.map(c -> c.dirs().toString()).orElse("none"));
        return new Launched(container, process);
    }

    /** The exit status the wrapper recorded, if it got to record one. */
    public static OptionalInt exitStatus(Path metaDir) {
        try {
            Path f = metaDir.resolve(EXIT_STATUS_FILE);
            if (!Files.exists(f)) return OptionalInt.empty();
            String text = Files.readString(f, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(text));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Whether the checkpointed process is still alive and is the same process: same pid, start time within a
     * second of the checkpointed one, and not a zombie waiting for a parent that no longer cares.
     */
    public static boolean isRunning(long pid, Long startMillis) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) return false;
        if (isZombie(pid)) return false;
        if (startMillis != null) {
            Optional<Instant> start = handle.get().info().startInstant();
            if (start.isPresent() && Math.abs(start.get().toEpochMilli() - startMillis) > START_TIME_TOLERANCE_MS) {
                return false; // the pid was reused
            }
        }
        return true;
    }

    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            int close = stat.lastIndexOf(')');
            return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Signals the container's whole process group; on KILL also every process still in its cgroup (which
     * catches children that started their own session).
     */
    public void signal(Container container, Signal signal) {
        signalGroup(container.pid(), signal);
        if (signal == Signal.KILL && container.cgroup() != null) {
            for (long pid : cgroups.pids(container.cgroup())) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** {@code kill -<SIG> -- -<pgid>}; falls back to signalling the process and its descendants. */
    public static void signalGroup(long pgid, Signal signal) {
        if (pgid <= 1) return;
        boolean sent = false;
        for (String kill : List.of("/bin/kill", "/usr/bin/kill")) {
            if (!Files.isExecutable(Path.of(kill))) continue;
            try {
                Process p = new ProcessBuilder(kill, "-s", signal.name(), "--", "-" + pgid)
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor(5, TimeUnit.SECONDS)) sent = p.exitValue() == 0;
                else p.destroyForcibly();
            } catch (IOException e) {
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            break;
        }
        if (!sent) {
            ProcessHandle.of(pgid).ifPresent(h -> {
                h.descendants().forEach(d -> destroy(d, signal));
                destroy(h, signal);
            });
        }
    }

    private static void destroy(ProcessHandle h, Signal signal) {
        if (signal == Signal.KILL) h.destroyForcibly();
        else h.destroy();
    }
}
