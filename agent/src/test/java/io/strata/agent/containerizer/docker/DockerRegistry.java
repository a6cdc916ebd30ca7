package io.strata.agent.containerizer.docker;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;

/**
 * A private registry for tests: Debian's {@code docker-registry} (Docker Distribution) on 127.0.0.1 and a free
 * port, with basic authentication, storing under a test directory. Docker trusts registries on 127.0.0.0/8 without
 * TLS. Images are pushed with the Docker CLI logged in through a config directory of its own, so the user's
 * ~/.docker is never touched.
 */
final class DockerRegistry implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/docker-registry");
    static final String USER = "strata";
    static final String PASSWORD = "strata-registry-pass";
    /** bcrypt of PASSWORD (the registry's htpasswd accepts only bcrypt). */
    private static final String HTPASSWD = USER + ":$2b$08$kbVr5ZiPyK0PeuCRZqmQb.6HKlPju2U5mR31CebNgsOklBov.VBoi\n";

    private final Process process;
    private final int port;
    private final Path cliConfig;

    private DockerRegistry(Process process, int port, Path cliConfig) {
        this.process = process;
        this.port = port;
        this.cliConfig = cliConfig;
    }

    static DockerRegistry start(Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(BINARY), "a private registry needs Debian's docker-registry: apt-get install docker-registry");
        Files.createDirectories(dir.resolve("data"));
        int port = DockerTestSupport.freePorts(1).get(0);
        Files.writeString(dir.resolve("htpasswd"), HTPASSWD);
        Path config = dir.resolve("config.yml");
        Files.writeString(config, String.join("\n",
                "version: 0.1",
                "log:",
                "  level: warn",
                "storage:",
                "  filesystem:",
                "    rootdirectory: " + dir.resolve("data"),
                "http:",
                "  addr: 127.0.0.1:" + port,
                "  secret: strata-test-secret",
                "auth:",
                "  htpasswd:",
                "    realm: strata-test",
                "    path: " + dir.resolve("htpasswd"),
                ""));
        Process p = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
        DockerRegistry registry = new DockerRegistry(p, port, dir.resolve("cli"));
        try (HttpClient http = HttpClient.newHttpClient()) {
            Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                if (!p.isAlive()) throw new IllegalStateException("docker-registry exited: " + Files.readString(dir.resolve("registry.log")));
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 401;
            });
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** host:port, as images name it. */
    String address() {
        return "127.0.0.1:" + port;
    }

    /** Pushes a local image as {@code <registry>/<repositoryAndTag>} and returns that name. */
    String push(String localImage, String repositoryAndTag) {
        String name = address() + "/" + repositoryAndTag;
        check(DockerTestSupport.run(List.of("docker", "--config", cliConfig.toString(), "login", "-u", USER, "--password-stdin", address()),
                PASSWORD, 60), "docker login");
        check(DockerTestSupport.run(List.of("docker", "tag", localImage, name), 60), "docker tag");
        check(DockerTestSupport.run(List.of("docker", "--config", cliConfig.toString(), "push", name), 120), "docker push");
        return name;
    }

    private static void check(DockerTestSupport.Result r, String what) {
        if (r.exitCode() != 0) throw new IllegalStateException(what + " failed: " + r.output());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
