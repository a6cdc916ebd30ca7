package io.strata.agent.containerizer.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * What the Docker tests share: whether Docker is there at all ({@code docker info}), a tiny test image built
 * offline from Debian's busybox-static (busybox + sh, sleep, httpd ... and a page in /www), commands through the
 * Docker CLI, and a docker-java client for looking at containers.
 */
final class DockerTestSupport {
    static final Path BUSYBOX = Path.of("/bin/busybox");
    static final String IMAGE_REPOSITORY = "strata-agent-test/busybox";
    static final String PAGE = "hello from a strata docker task\n";
    private static final List<String> APPLETS = List.of("sh", "echo", "sleep", "httpd", "cat", "true", "false", "test",
            "ls", "env", "mkdir", "touch", "wc", "seq", "kill", "printf", "id", "hostname", "grep");

    private static String image;

    private DockerTestSupport() {}

    /** Skips the calling test class unless {@code docker info} answers. */
    static void assumeDocker() {
        Assumptions.assumeTrue(run(List.of("docker", "info"), 30).exitCode() == 0,
                "docker info fails: the Docker daemon is not running here (bin/test starts dockerd)");
    }

    /** Skips unless /bin/busybox is a static binary (Debian's busybox-static), which can run alone in an image. */
    static void assumeStaticBusybox() {
        Assumptions.assumeTrue(Files.isRegularFile(BUSYBOX) && isStatic(BUSYBOX),
                "a static /bin/busybox is needed for the test image: apt-get install busybox-static");
    }

    /** The busybox test image, imported once per content of /bin/busybox. */
    static synchronized String image() throws Exception {
        if (image != null) return image;
        assumeStaticBusybox();
        String tag = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(BUSYBOX))).substring(0, 12);
        String name = IMAGE_REPOSITORY + ":" + tag;
        if (run(List.of("docker", "image", "inspect", name), 30).exitCode() != 0) {
            Path dir = Files.createTempDirectory("strata-busybox-image");
            Files.createDirectories(dir.resolve("bin"));
            Files.createDirectories(dir.resolve("www"));
            Files.createDirectories(dir.resolve("tmp"));
            Files.copy(BUSYBOX, dir.resolve("bin/busybox"));
            for (String applet : APPLETS) Files.createSymbolicLink(dir.resolve("bin").resolve(applet), Path.of("busybox"));
            Files.writeString(dir.resolve("www/index.html"), PAGE);
            Result r = run(List.of("sh", "-c", "tar -C '" + dir + "' -c . | docker import - " + name), 120);
            if (r.exitCode() != 0) throw new IllegalStateException("docker import failed: " + r.output());
            run(List.of("rm", "-rf", dir.toString()), 30);
        }
        image = name;
        return image;
    }

    /** Whether an ELF file has no program interpreter (PT_INTERP), i.e. is statically linked. */
    static boolean isStatic(Path elf) {
        try (RandomAccessFile f = new RandomAccessFile(elf.toFile(), "r")) {
            byte[] header = new byte[64];
            f.readFully(header);
            if (header[0] != 0x7f || header[1] != 'E' || header[2] != 'L' || header[3] != 'F' || header[4] != 2) return false;
            ByteBuffer h = ByteBuffer.wrap(header).order(header[5] == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
            long phoff = h.getLong(32);
            int phentsize = Short.toUnsignedInt(h.getShort(54));
            int phnum = Short.toUnsignedInt(h.getShort(56));
            byte[] ph = new byte[phentsize];
            for (int i = 0; i < phnum; i++) {
                f.seek(phoff + (long) i * phentsize);
                f.readFully(ph);
                int type = ByteBuffer.wrap(ph).order(h.order()).getInt(0);
                if (type == 3) return false; // PT_INTERP: needs a dynamic loader
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    record Result(int exitCode, String output) {}

    /** Runs a command (the Docker CLI mostly), output and errors together. */
    static Result run(List<String> argv, long timeoutSeconds) {
        return run(argv, null, timeoutSeconds);
    }

    static Result run(List<String> argv, String stdin, long timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                if (stdin != null) in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
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

    /** A docker-java client of the local daemon, for the tests' own looks at containers. */
    static DockerClient client() {
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(DockerSettings.DEFAULT_SOCKET).build();
        return DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder().dockerHost(URI.create(DockerSettings.DEFAULT_SOCKET)).build());
    }

    /** Removes every container (running or not) that an agent with this work dir labelled as its own. */
    static void removeContainersOf(DockerClient client, Path workDir) {
        List<Container> left = client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerRunSpec.LABEL_WORK_DIR, workDir.toAbsolutePath().normalize().toString())).exec();
        for (Container c : left) {
            try {
                client.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (RuntimeException e) {
                // gone meanwhile, or its removal is already under way
            }
        }
    }

    /** Free TCP ports on 127.0.0.1 (closed again, so a test can hand them to the agent). */
    static List<Integer> freePorts(int n) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) sockets.add(new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1")));
            return sockets.stream().map(ServerSocket::getLocalPort).toList();
        } finally {
            for (ServerSocket s : sockets) s.close();
        }
    }

    /** Mesos' ranges syntax for a list of single ports: {@code [a-a,b-b]}. */
    static String portRanges(List<Integer> ports) {
        return "[" + String.join(",", ports.stream().sorted().map(p -> p + "-" + p).toList()) + "]";
    }
}
