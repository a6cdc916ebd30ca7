package io.strata.lb.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code haproxy -c} on a configuration, for tests. */
public final class HaproxyCheck {
    private HaproxyCheck() {}

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/sbin/haproxy")) || Files.isExecutable(Path.of("/usr/bin/haproxy"));
    }

    /** Null when valid, else HAProxy's messages. */
    public static String check(Path dir, String config) throws IOException, InterruptedException {
        Path cfg = dir.resolve("check-" + System.nanoTime() + ".cfg");
        Files.writeString(cfg, config);
        Process p = new ProcessBuilder("haproxy", "-c", "-f", cfg.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "haproxy -c did not finish";
        }
        return p.exitValue() == 0 ? null : out;
    }
}
