package io.strata.agent.containerizer.docker;

import java.nio.file.Path;
import java.util.Map;

/**
 * How the agent reaches Docker.
 *
 * @param host   the daemon's address: {@code unix:///var/run/docker.sock} (or {@code tcp://host:port}, no TLS)
 * @param config the Docker CLI's {@code config.json} whose {@code auths}, {@code credHelpers} and
 *               {@code credsStore} give registry credentials for pulls (Mesos' {@code --docker_config}); it
 *               need not exist
 */
public record DockerSettings(String host, Path config) {
    public static final String DEFAULT_SOCKET = "unix:///var/run/docker.sock";

    public DockerSettings {
        if (host == null || host.isBlank()) host = DEFAULT_SOCKET;
        if (!host.startsWith("unix://") && !host.startsWith("tcp://")) {
            throw new IllegalArgumentException("Docker host must be unix:///path or tcp://host:port, got '" + host + "'");
        }
        if (config == null) config = defaultConfig(System.getenv(), System.getProperty("user.home"));
    }

    /** DOCKER_HOST when it names a unix or tcp address, else the standard socket; the CLI's config file. */
    public static DockerSettings defaults() {
        String env = System.getenv("DOCKER_HOST");
        String host = env != null && (env.startsWith("unix://") || env.startsWith("tcp://")) ? env : DEFAULT_SOCKET;
        return new DockerSettings(host, null);
    }

    /** Where the Docker CLI keeps its config: {@code $DOCKER_CONFIG/config.json}, else {@code ~/.docker/config.json}. */
    static Path defaultConfig(Map<String, String> env, String userHome) {
        String dir = env.get("DOCKER_CONFIG");
        if (dir != null && !dir.isBlank()) return Path.of(dir, "config.json");
        return Path.of(userHome == null ? "/root" : userHome, ".docker", "config.json");
    }
}
