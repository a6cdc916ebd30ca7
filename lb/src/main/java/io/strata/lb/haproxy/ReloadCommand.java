package io.strata.lb.haproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * marathon-lb's {@code --command}: HAProxy is run by someone else (systemd, a sidecar) and reloaded by running a
 * shell command after each new configuration, e.g. {@code systemctl reload haproxy}.
 */
public final class ReloadCommand implements Haproxy {
    private static final Logger LOG = LoggerFactory.getLogger(ReloadCommand.class);

    private final String command;
    private final Path statsSocket;

    public ReloadCommand(String command, Path statsSocket) {
        this.command = command;
        this.statsSocket = statsSocket;
    }

    @Override
    public void reload() throws IOException {
        Process p = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("reload command did not finish within 60 s: " + command);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reloading", e);
        }
        if (p.exitValue() != 0) throw new IOException("reload command exited with " + p.exitValue() + ": " + out);
        LOG.info("msg=\"reloaded HAProxy\" command=\"{}\"", command);
    }

    @Override
    public List<Long> pids() {
        return ProcessHandle.allProcesses()
                .filter(h -> h.info().command().map(c -> c.endsWith("/haproxy") || c.equals("haproxy")).orElse(false))
                .map(ProcessHandle::pid).sorted().toList();
    }

    @Override
    public String runtime(String cmd) throws IOException {
        return UnixSocket.command(statsSocket, cmd, Duration.ofSeconds(2));
    }

    @Override
    public void close() {}
}
