package io.strata.lb.haproxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HAProxy run by the load balancer in master-worker mode ({@code haproxy -W -db -S <master socket>}). A reload asks
 * the master to re-execute itself with the new haproxy.cfg: the new worker takes the listening sockets over from
 * the old one (no connection is refused), the old worker finishes the connections it has and exits. Server states
 * (health, drain) are saved just before and restored by the new worker ({@code load-server-state-from-file}).
 * If HAProxy dies, it is started again with the last configuration.
 */
public final class HaproxyProcess implements Haproxy {
    private static final Logger LOG = LoggerFactory.getLogger(HaproxyProcess.class);
    private static final Logger HAPROXY = LoggerFactory.getLogger("haproxy");
    private static final Pattern FAILED = Pattern.compile("\\[failed: (\\d+)\\]");
    private static final Duration CLI_WAIT = Duration.ofSeconds(5);

    /** {@code show proc}: the master, its current workers, and old workers still finishing connections. */
    record Procs(long master, int failedReloads, List<Long> workers, List<Long> oldWorkers) {
        List<Long> all() {
            List<Long> all = new ArrayList<>();
            if (master > 0) all.add(master);
            all.addAll(workers);
            all.addAll(oldWorkers);
            return all;
        }
    }

    private final String binary;
    private final Path config;
    private final Path masterSocket;
    private final Path statsSocket;
    private final Path stateFile;
    private final Path pidFile;
    private final Duration reloadTimeout;
    private final Object lock = new Object();
    private volatile Process process;
    private volatile boolean closing;
    private Thread restarter;

    private HaproxyProcess(String binary, Path config, Path runDir, Path statsSocket, Path stateFile, Duration reloadTimeout) {
        this.binary = binary;
        this.config = config;
        this.masterSocket = runDir.resolve("master.sock");
        this.pidFile = runDir.resolve("haproxy.pid");
        this.statsSocket = statsSocket;
        this.stateFile = stateFile;
        this.reloadTimeout = reloadTimeout;
    }

    /**
     * Starts HAProxy on {@code config} (already checked) and waits for its first worker. An HAProxy left running by a
     * previous load balancer with the same run directory and configuration is stopped first.
     */
    public static HaproxyProcess start(String binary, Path config, Path runDir, Path statsSocket, Path stateFile,
                                       Duration reloadTimeout) throws IOException {
        Files.createDirectories(runDir);
        HaproxyProcess h = new HaproxyProcess(binary, config, runDir, statsSocket, stateFile, reloadTimeout);
        h.stopStale();
        if (!Files.exists(stateFile) || Files.size(stateFile) == 0) Files.writeString(stateFile, "1\n"); // an empty state, version 1
        h.launch();
        return h;
    }

    private void launch() throws IOException {
        Files.deleteIfExists(masterSocket);
        List<String> cmd = List.of(binary, "-W", "-db", "-f", config.toString(), "-p", pidFile.toString(),
                "-S", masterSocket + ",mode,600");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        process = p;
        Thread.ofVirtual().name("haproxy-output").start(() -> pump(p));
        long deadline = System.nanoTime() + reloadTimeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("HAProxy exited with " + p.exitValue() + " at start (see the haproxy log lines above)");
            }
            try {
                Procs procs = showProc(Duration.ofMillis(200));
                if (!procs.workers().isEmpty()) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IOException("HAProxy did not start a worker within " + reloadTimeout);
            }
            sleep(10);
        }
        p.onExit().thenAccept(this::exited);
        LOG.info("msg=\"HAProxy started\" pid={} config={}", p.pid(), config);
    }

    private void pump(Process p) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                String msg = line.replace("\"", "'");
                if (line.contains("[ALERT]")) HAPROXY.error("msg=\"{}\"", msg);
                else if (line.contains("[WARNING]") && !routine(line)) HAPROXY.warn("msg=\"{}\"", msg);
                else HAPROXY.info("msg=\"{}\"", msg);
            }
        } catch (IOException e) {
            // the process is gone
        }
    }

    /** HAProxy reports every reload and stop as warnings; these are the expected ones. */
    static boolean routine(String line) {
        return line.contains("stopped (cumulated conns") || line.contains("Paused ") || line.contains("Resumed ")
                || line.contains("exited with code 0") || line.contains("Exiting Master") || line.contains("All workers exited")
                || line.contains("Reexecuting Master") || line.contains("Stopping ") || line.contains("Proxy <HTTPCLIENT>")
                || line.contains("Can't get version of the global server state file") || line.contains("maintenance")
                || line.contains("changed from server-state after a reload") || line.contains(" is UP");
    }

    private void exited(Process p) {
        if (closing || p != process) return;
        LOG.error("msg=\"HAProxy exited unexpectedly, starting it again\" pid={} status={}", p.pid(), p.exitValue());
        synchronized (lock) {
            if (restarter != null && restarter.isAlive()) return;
            restarter = Thread.ofVirtual().name("haproxy-restart").start(() -> {
                long backoff = 500;
                while (!closing) {
                    try {
                        synchronized (lock) {
                            if (!closing) launch();
                        }
                        return;
                    } catch (IOException e) {
                        LOG.error("msg=\"cannot start HAProxy again\" error=\"{}\" retry_ms={}", e.getMessage(), backoff);
                        sleep(backoff);
                        backoff = Math.min(30_000, backoff * 2);
                    }
                }
            });
        }
    }

    @Override
    public void reload() throws IOException {
        synchronized (lock) {
            if (closing) throw new IOException("HAProxy is stopping");
            Procs before = showProc(CLI_WAIT);
            saveServerState();
            UnixSocket.command(masterSocket, "reload", CLI_WAIT);
            long deadline = System.nanoTime() + reloadTimeout.toNanos();
            while (true) {
                sleep(5);
                Procs now;
                try {
                    now = showProc(Duration.ofMillis(500));
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) throw e;
                    continue; // the master is re-executing
                }
                if (now.failedReloads() > before.failedReloads()) {
                    throw new IOException("HAProxy could not load the new configuration (the old one is still served); "
                            + "see the haproxy log lines above");
                }
                if (now.workers().stream().anyMatch(w -> !before.workers().contains(w))) return;
                if (System.nanoTime() > deadline) {
                    throw new IOException("HAProxy did not start a new worker within " + reloadTimeout);
                }
            }
        }
    }

    /** Writes {@code show servers state} where the next worker reads it, so health and drain states survive. */
    private void saveServerState() {
        try {
            String state = UnixSocket.command(statsSocket, "show servers state", Duration.ofMillis(500));
            if (!state.startsWith("1")) return; // not a state dump (version line "1" first)
            Path tmp = stateFile.resolveSibling(stateFile.getFileName() + ".tmp");
            Files.writeString(tmp, state);
            Files.move(tmp, stateFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.debug("msg=\"could not save server states\" error=\"{}\"", e.getMessage());
        }
    }

    Procs showProc(Duration wait) throws IOException {
        return parseProcs(UnixSocket.command(masterSocket, "show proc", wait));
    }

    static Procs parseProcs(String text) {
        long master = -1;
        int failed = 0;
        List<Long> workers = new ArrayList<>();
        List<Long> old = new ArrayList<>();
        String section = "";
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty()) continue;
            if (l.startsWith("#")) {
                section = l.startsWith("#<") ? "" : l.substring(1).strip();
                continue;
            }
            String[] f = l.split("\\s+");
            long pid;
            try {
                pid = Long.parseLong(f[0]);
            } catch (NumberFormatException e) {
                continue;
            }
            if (f.length > 1 && f[1].equals("master")) {
                master = pid;
                Matcher m = FAILED.matcher(l);
                if (m.find()) failed = Integer.parseInt(m.group(1));
            } else if (section.equals("workers")) {
                workers.add(pid);
            } else if (section.equals("old workers")) {
                old.add(pid);
            }
        }
        return new Procs(master, failed, workers, old);
    }

    @Override
    public List<Long> pids() {
        try {
            return showProc(Duration.ofMillis(500)).all();
        } catch (IOException e) {
            Process p = process;
            return p != null && p.isAlive() ? List.of(p.pid()) : List.of();
        }
    }

    @Override
    public String runtime(String command) throws IOException {
        return UnixSocket.command(statsSocket, command, Duration.ofSeconds(2));
    }

    /** The master's PID. */
    public long pid() {
        return process.pid();
    }

    /** Stops HAProxy: a soft stop (current connections finish) for up to {@code grace}, then a hard one. */
    public void close(Duration grace) {
        synchronized (lock) {
            closing = true;
        }
        Process p = process;
        if (p == null || !p.isAlive()) return;
        try {
            new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroy();
                if (!p.waitFor(3, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(3, TimeUnit.SECONDS);
            }
        } catch (IOException | InterruptedException e) {
            p.destroyForcibly();
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        }
        LOG.info("msg=\"HAProxy stopped\" pid={}", p.pid());
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** A master left behind by a load balancer that did not stop cleanly would keep the ports: stop it. */
    private void stopStale() {
        if (!Files.exists(pidFile)) return;
        try {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isPresent() && h.get().isAlive()) {
                String cmd = h.get().info().commandLine().orElse("");
                if (cmd.contains("haproxy") && cmd.contains(config.toString())) {
                    LOG.warn("msg=\"stopping an HAProxy left running by a previous load balancer\" pid={}", pid);
                    h.get().destroy();
                    h.get().onExit().get(5, TimeUnit.SECONDS);
                }
            }
        } catch (Exception e) {
            LOG.debug("msg=\"no stale HAProxy to stop\" error=\"{}\"", e.toString());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
