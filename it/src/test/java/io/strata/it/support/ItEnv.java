package io.strata.it.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Where the suite finds the launcher and the JVM, and where it writes logs. */
public final class ItEnv {
    /** Longest a daemon may take to come up (a cold JVM on a loaded CI box). */
    public static final Duration STARTUP = Duration.ofSeconds(60);
    /** Longest we wait for an event that should follow an action promptly. */
    public static final Duration EVENT = Duration.ofSeconds(30);

    private ItEnv() {}

    /** node/target/dcos-node.jar, passed by the it pom as {@code strata.node.jar}. */
    public static Path nodeJar() {
        String prop = System.getProperty("strata.node.jar");
        Path jar = prop != null ? Path.of(prop) : Path.of("../node/target/dcos-node.jar");
        jar = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("dcos-node jar not found at " + jar
                    + "; build it first: mvn -B -o -q -pl common,master,agent,node install -DskipTests");
        }
        return jar;
    }

    /**
     * The python3 interpreter itself (not a pyenv shim, which needs the test user's environment), for tasks that
     * serve HTTP with {@code python3 -m http.server}.
     */
    public static String realPython() throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import sys; print(sys.executable)").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty()) {
            throw new IllegalStateException("python3 is needed: " + out);
        }
        return out;
    }

    /** The test JVM's own java binary (the build requires >= 21, so the daemons get the same). */
    public static String java() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** target/it-logs/&lt;test&gt;/, emptied first: each run of a test class starts with no old logs. */
    public static Path freshLogDir(String test) {
        Path dir = logDir(test);
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (java.io.IOException ignored) {
                    // left over; harmless
                }
            });
        } catch (java.io.IOException ignored) {
            // nothing to clean
        }
        return dir;
    }

    /** target/it-logs/&lt;test&gt;/ */
    public static Path logDir(String test) {
        Path base = Path.of(System.getProperty("strata.it.logs", "target/it-logs"));
        Path dir = base.resolve(test).toAbsolutePath().normalize();
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * Copies what daemons and tasks wrote inside a work dir (*.log files, sandbox stdout/stderr) to
     * {@code dest}/workdir/..., before the temp work dir is deleted, so a CI failure can still be read.
     */
    public static void keepWorkDirLogs(Path workRoot, Path dest) {
        if (workRoot == null || !Files.isDirectory(workRoot)) return;
        Path out = dest.resolve("workdir");
        try (var walk = Files.walk(workRoot)) {
            walk.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".log") || n.equals("stdout") || n.equals("stderr");
            }).forEach(p -> {
                try {
                    if (Files.size(p) > 20L * 1024 * 1024) return;
                    Path target = out.resolve(workRoot.relativize(p).toString());
                    Files.createDirectories(target.getParent());
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                } catch (java.io.IOException | RuntimeException ignored) {
                    // a file that vanished or cannot be read
                }
            });
        } catch (java.io.IOException | RuntimeException ignored) {
            // best effort
        }
    }
}
