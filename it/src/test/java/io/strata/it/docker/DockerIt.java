package io.strata.it.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Docker end-to-end tests share: whether Docker answers ({@code docker info}), a tiny busybox image built
 * offline from Debian's busybox-static with {@code docker import} under a unique tag (removed again by the test),
 * the Docker CLI, the containers the Strata agents under a work dir labelled as theirs, and Marathon's v2 API.
 */
final class DockerIt {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String PAGE = "hello from a strata docker app\n";
    static final String WORK_DIR_LABEL = "io.strata.agent.work_dir";
    static final String TASK_LABEL = "io.strata.task.id";
    private static final List<String> APPLETS = List.of("sh", "echo", "sleep", "httpd", "cat", "true", "false", "ls",
            "env", "kill", "wget");

    private DockerIt() {}

    record Result(int exitCode, String output) {}

    /** Skips the calling class unless the Docker daemon answers and /bin/busybox is static (busybox-static). */
    static void assumeDockerAndBusybox() {
        Assumptions.assumeTrue(run(List.of("docker", "info"), 30).exitCode() == 0,
                "docker info fails: the Docker daemon is not running here (nohup setsid dockerd &)");
        Assumptions.assumeTrue(Files.isRegularFile(BUSYBOX) && run(List.of("sh", "-c",
                        "file -L " + BUSYBOX + " | grep -q 'statically linked'"), 10).exitCode() == 0,
                "a static /bin/busybox is needed for the test image: apt-get install busybox-static");
    }

    /** Imports a busybox image (sh, sleep, httpd ... and /www/index.html = PAGE) under a new unique tag. */
    static String importImage(String repository) throws IOException {
        String name = repository + ":" + UUID.randomUUID().toString().substring(0, 12);
        Path dir = Files.createTempDirectory("strata-it-busybox-image");
        try {
            Files.createDirectories(dir.resolve("bin"));
            Files.createDirectories(dir.resolve("www"));
            Files.createDirectories(dir.resolve("tmp"));
            Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
            for (String applet : APPLETS) Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
            Files.writeString(dir.resolve("www/index.html"), PAGE);
            Result r = run(List.of("sh", "-c", "tar -C '" + dir + "' -c . | docker import - " + name), 120);
            if (r.exitCode() != 0) throw new IllegalStateException("docker import failed: " + r.output());
        } finally {
            deleteTree(dir);
        }
        return name;
    }

    static void removeImage(String image) {
        if (image != null) run(List.of("docker", "rmi", "-f", image), 60);
    }

    /** Runs a command, output and errors together; exit -1 on a timeout. */
    static Result run(List<String> argv, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(-1, new String(out, StandardCharsets.UTF_8));
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    static String docker(String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("docker");
        argv.addAll(List.of(args));
        Result r = run(argv, 60);
        if (r.exitCode() != 0) throw new AssertionError(argv + " -> " + r.exitCode() + ": " + r.output());
        return r.output().trim();
    }

    /** The ids of the containers (running or not) of the Strata task, found by the agent's label. */
    static List<String> containersOfTask(String taskId) {
        String out = docker("ps", "-a", "-q", "--no-trunc", "--filter", "label=" + TASK_LABEL + "=" + taskId);
        return out.isEmpty() ? List.of() : List.of(out.split("\\s+"));
    }

    /** docker inspect -f {@code format} of a container, or null when Docker does not know it. */
    static String inspect(String container, String format) {
        Result r = run(List.of("docker", "inspect", "-f", format, container), 30);
        return r.exitCode() == 0 ? r.output().trim() : null;
    }

    /** The containers whose agent work dir label lies under {@code root}. */
    static Set<String> containersUnder(Path root) {
        Set<String> ids = new TreeSet<>();
        Result r = run(List.of("docker", "ps", "-a", "--no-trunc", "--filter", "label=" + WORK_DIR_LABEL,
                "--format", "{{.ID}} {{.Label \"" + WORK_DIR_LABEL + "\"}}"), 60);
        for (String line : r.output().split("\n")) {
            String[] f = line.trim().split(" ", 2);
            if (f.length == 2 && Path.of(f[1]).startsWith(root)) ids.add(f[0]);
        }
        return ids;
    }

    /** docker rm -f every container the agents under {@code root} created; returns how many there were. */
    static int removeContainersUnder(Path root) {
        Set<String> ids = containersUnder(root);
        for (String id : ids) run(List.of("docker", "rm", "-f", "-v", id), 60);
        return ids.size();
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    /** The httpd app of issue #8: busybox httpd in a BRIDGE container, container port 80 on a host port. */
    static String httpdApp(String id, String image, int instances, String extra) {
        return """
                {"id": "%s", "container": {"type": "DOCKER", "docker": {"image": "%s", "network": "BRIDGE",
                  "portMappings": [{"containerPort": 80, "hostPort": 0, "protocol": "tcp"}]}},
                 "cmd": "/bin/httpd -f -p 80 -h /www", "cpus": 0.1, "mem": 32, "instances": %d,
                 "backoffSeconds": 1, "backoffFactor": 1.0,
                 "healthChecks": [{"protocol": "HTTP", "portIndex": 0, "path": "/", "gracePeriodSeconds": 5,
                                   "intervalSeconds": 1, "timeoutSeconds": 5, "maxConsecutiveFailures": 3}]%s}
                """.formatted(id, image, instances, extra);
    }
}
