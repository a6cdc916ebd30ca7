package io.strata.agent.containerizer.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.PullImageCmd;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.strata.common.json.Json;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The docker containerizer's hands: the Docker Engine API through docker-java (httpclient5 transport over the
 * unix socket). It pulls images (with the registry credentials of the Docker config), creates and starts
 * containers from a {@link DockerRunSpec}, copies their output into the sandbox, waits for their exit, stops,
 * kills and removes them, runs commands in them for health checks, and lists the containers an agent owns (by
 * its labels) so a restarted agent finds them again. Blocking calls are meant for the agent's virtual threads,
 * never under its lock; {@link #stop} and {@link #kill} return at once.
 */
public final class DockerContainerizer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerContainerizer.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);
    /** After the container stopped, how long its remaining output may take to reach the sandbox. */
    static final Duration LOG_DRAIN = Duration.ofSeconds(5);

    private final DockerSettings settings;
    private final DockerHttpClient http;
    private final DockerClient client;
    private final RegistryCredentials credentials;
    private final String serverVersion;
    private final Map<String, Watch> watches = new ConcurrentHashMap<>();
    private final AtomicInteger removals = new AtomicInteger();
    private volatile boolean closed;

    /** A launch step failed; the message is Docker's, ready for the task's status. */
    public static final class LaunchException extends Exception {
        public LaunchException(String message) {
            super(message);
        }
    }

    /** The daemon does not answer. */
    public static final class UnavailableException extends Exception {
        public UnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A container of this agent found by its labels.
     *
     * @param dockerId    Docker's id
     * @param name        its name without the leading '/'
     * @param containerId the agent's container id (label {@value DockerRunSpec#LABEL_CONTAINER_ID})
     * @param state       Docker's state: created, running, exited, ...
     */
    public record Found(String dockerId, String name, String containerId, String state) {}

    private record Watch(DockerLogCopier logs, Thread waiter) {}

    /** A pull whose failure is reported to the caller, not logged as an error by docker-java. */
    private static final class Pull extends PullImageResultCallback {
        volatile RuntimeException error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable instanceof RuntimeException r ? r : new RuntimeException(throwable);
            closeQuietly(this);
        }
    }

    /** A wait whose failure (404: the container is gone) is reported to the caller, not logged by docker-java. */
    private static final class Wait extends WaitContainerResultCallback {
        volatile RuntimeException error;

        @Override
        public void onError(Throwable throwable) {
            error = throwable instanceof RuntimeException r ? r : new RuntimeException(throwable);
            closeQuietly(this);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closed either way
        }
    }

    private DockerContainerizer(DockerSettings settings, DockerHttpClient http, DockerClient client, String serverVersion) {
        this.settings = settings;
        this.http = http;
        this.client = client;
        this.credentials = new RegistryCredentials(settings.config());
        this.serverVersion = serverVersion;
    }

    /** Connects to the daemon and checks that it answers (within 5 s). */
    public static DockerContainerizer connect(DockerSettings settings) throws UnavailableException {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(settings.host())
                .withDockerTlsVerify(false)
                .build();
        DockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(settings.host()))
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        DockerClient client = DockerClientImpl.getInstance(config, http);
        FutureTask<String> version = new FutureTask<>(() -> {
            client.pingCmd().exec();
            return client.versionCmd().exec().getVersion();
        });
        Thread.ofVirtual().name("docker-ping").start(version);
        try {
            String v = version.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return new DockerContainerizer(settings, http, client, v);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            version.cancel(true);
            closeQuietly(client, http);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new UnavailableException("the Docker daemon at " + settings.host() + " does not answer: "
                    + (e instanceof TimeoutException ? "no answer within " + PING_TIMEOUT.toSeconds() + "s" : message(cause)), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(client, http);
            throw new UnavailableException("interrupted while connecting to Docker", e);
        }
    }

    public DockerSettings settings() {
        return settings;
    }

    /** The daemon's version, as it answered at connect. */
    public String serverVersion() {
        return serverVersion;
    }

    // ------------------------------------------------------------------ launch

    /**
     * The agent's side of a launch: told after each step, it may stop the launch (the task was killed, the agent
     * is stopping). Called on the launching thread, outside any lock of the containerizer.
     */
    public interface LaunchSteps {
        /** The image is there. False stops the launch before a container exists. */
        boolean pulled();

        /** The container exists (not started). False stops the launch; the container is removed. */
        boolean created(DockerContainer container);

        /** The container runs. */
        void started(DockerContainer container);

        /** A step failed with Docker's message; nothing of the launch is left behind. */
        void failed(String message);

        /** The launch was stopped by {@link #pulled} or {@link #created}; nothing of it is left behind. */
        void stopped();
    }

    /** Pulls, creates and starts the container of {@code spec}, telling {@code steps} along the way. Blocking. */
    public void launch(DockerRunSpec spec, LaunchSteps steps) {
        try {
            pull(spec);
            if (!steps.pulled()) {
                steps.stopped();
                return;
            }
            String id = create(spec);
            if (!steps.created(new DockerContainer(id, spec.name(), null, null, spec.networkMode()))) {
                remove(id);
                steps.stopped();
                return;
            }
            DockerContainer running;
            try {
                running = start(id, spec.name(), spec.networkMode());
            } catch (LaunchException e) {
                remove(id);
                throw e;
            }
            steps.started(running);
        } catch (LaunchException e) {
            steps.failed(e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("msg=\"container launch failed unexpectedly\" name={}", spec.name(), e);
            steps.failed("Failed to launch container: " + message(e));
        }
    }

    /**
     * Makes the image available: pulled when the task forces it or when it is not there yet (Mesos' rule), with
     * the credentials the Docker config has for its registry.
     */
    public void pull(DockerRunSpec spec) throws LaunchException {
        ImageReference image = spec.image();
        if (!spec.forcePull() && imagePresent(spec.imageName())) return;
        Optional<AuthConfig> auth;
        try {
            auth = credentials.forImage(image);
        } catch (RegistryCredentials.CredentialsException e) {
            throw new LaunchException("Failed to pull image '" + spec.imageName() + "': " + e.getMessage());
        }
        LOG.info("msg=\"pulling image\" image={} authenticated={}", spec.imageName(), auth.isPresent());
        PullImageCmd pull = client.pullImageCmd(image.pullRepository()).withTag(image.pullTag());
        auth.ifPresent(pull::withAuthConfig);
        try {
            Pull progress = pull.exec(new Pull());
            progress.awaitCompletion();
            if (progress.error != null) throw progress.error;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("Failed to pull image '" + spec.imageName() + "': interrupted");
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to pull image '" + spec.imageName() + "': " + message(e));
        }
        if (!imagePresent(spec.imageName())) {
            throw new LaunchException("Failed to pull image '" + spec.imageName() + "': the image is not there after the pull");
        }
    }

    private boolean imagePresent(String image) throws LaunchException {
        try {
            client.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to inspect image '" + image + "': " + message(e));
        }
    }

    /** Creates the container (not started). */
    public String create(DockerRunSpec spec) throws LaunchException {
        CreateContainerCmd c = client.createContainerCmd(spec.imageName())
                .withName(spec.name())
                .withEnv(spec.envList())
                .withLabels(spec.labels())
                .withHostConfig(spec.hostConfig());
        if (spec.entrypoint() != null) c.withEntrypoint(spec.entrypoint());
        if (spec.cmd() != null) c.withCmd(spec.cmd());
        if (!spec.exposedPorts().isEmpty()) c.withExposedPorts(spec.exposedPorts());
        if (spec.hostname() != null) c.withHostName(spec.hostname());
        if (spec.user() != null) c.withUser(spec.user());
        if (spec.workingDir() != null) c.withWorkingDir(spec.workingDir());
        if (spec.stopSignal() != null) c.withStopSignal(spec.stopSignal());
        if (spec.macAddress() != null) c.withMacAddress(spec.macAddress());
        try {
            String id = c.exec().getId();
            LOG.info("msg=\"container created\" name={} docker_id={} image={} network={}", spec.name(), id, spec.imageName(), spec.networkMode());
            return id;
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to create container: " + message(e));
        }
    }

    /** Starts a created container and reports where it runs. */
    public DockerContainer start(String dockerId, String name, String network) throws LaunchException {
        try {
            client.startContainerCmd(dockerId).exec();
        } catch (NotModifiedException e) {
            // already running
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to start container: " + message(e));
        }
        return inspect(dockerId, name, network).orElseThrow(() -> new LaunchException("Failed to start container: it is gone"));
    }

    /** The container's pid and address now; empty when it does not exist. */
    public Optional<DockerContainer> inspect(String dockerId, String name, String network) throws LaunchException {
        InspectContainerResponse r;
        try {
            r = client.inspectContainerCmd(dockerId).exec();
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to inspect container: " + message(e));
        }
        Long pid = r.getState() != null && r.getState().getPidLong() != null && r.getState().getPidLong() > 0 ? r.getState().getPidLong() : null;
        return Optional.of(new DockerContainer(r.getId(), name, pid, ipAddress(r, network), network));
    }

    private static String ipAddress(InspectContainerResponse r, String network) {
        if (network == null || network.equals("host") || network.equals("none") || r.getNetworkSettings() == null) return null;
        Map<String, ContainerNetwork> nets = r.getNetworkSettings().getNetworks();
        if (nets != null) {
            ContainerNetwork n = nets.get(network);
            if (n != null && n.getIpAddress() != null && !n.getIpAddress().isEmpty()) return n.getIpAddress();
            for (ContainerNetwork other : nets.values()) {
                if (other.getIpAddress() != null && !other.getIpAddress().isEmpty()) return other.getIpAddress();
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ running

    /**
     * Follows a started container: its output goes to the sandbox's stdout and stderr, and {@code onExit} is
     * called once when it has stopped (after its output was copied), or when it turns out to be gone. Nothing is
     * called after {@link #close()} (a stopping agent leaves its containers running).
     */
    public void watch(String dockerId, Path sandbox, Path metaDir, Consumer<DockerExit> onExit) {
        DockerLogCopier logs = new DockerLogCopier(client, dockerId, sandbox, metaDir);
        Thread waiter = Thread.ofVirtual().name("docker-wait-" + shortId(dockerId)).unstarted(() -> {
            DockerExit exit = awaitExit(dockerId);
            if (exit == null) return; // closed
            try {
                if (!logs.awaitDone(LOG_DRAIN)) LOG.warn("msg=\"container output still not copied; giving up on the rest\" container={}", dockerId);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            logs.close();
            watches.remove(dockerId);
            if (closed) return;
            try {
                onExit.accept(exit);
            } catch (RuntimeException e) {
                LOG.error("msg=\"handling a container's exit failed\" container={}", dockerId, e);
            }
        });
        Watch old = watches.put(dockerId, new Watch(logs, waiter));
        if (old != null) {
            old.logs().close();
            old.waiter().interrupt();
        }
        logs.start();
        waiter.start();
    }

    /** Blocks until the container stops; retries while the daemon is unreachable. Null when closed meanwhile. */
    private DockerExit awaitExit(String dockerId) {
        long backoffMs = 500;
        while (!closed) {
            try {
                Wait wait = client.waitContainerCmd(dockerId).exec(new Wait());
                wait.awaitCompletion();
                if (wait.error != null) throw wait.error;
                return exitOf(dockerId, wait.awaitStatusCode());
            } catch (NotFoundException e) {
                return DockerExit.gone();
            } catch (InterruptedException e) {
                return null;
            } catch (RuntimeException e) {
                if (closed || Thread.currentThread().isInterrupted()) return null;
                LOG.warn("msg=\"waiting for a container failed; retrying\" container={} error=\"{}\"", dockerId, message(e));
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                return null;
            }
            backoffMs = Math.min(backoffMs * 2, 10_000);
        }
        return null;
    }

    private DockerExit exitOf(String dockerId, Integer waitCode) {
        try {
            InspectContainerResponse r = client.inspectContainerCmd(dockerId).exec();
            var s = r.getState();
            Integer code = s.getExitCodeLong() != null ? Integer.valueOf(s.getExitCodeLong().intValue()) : waitCode;
            String error = s.getError() == null || s.getError().isBlank() ? null : s.getError();
            return new DockerExit(code, Boolean.TRUE.equals(s.getOOMKilled()), false, error);
        } catch (NotFoundException e) {
            return new DockerExit(waitCode, false, false, null);
        } catch (RuntimeException e) {
            LOG.warn("msg=\"cannot inspect a stopped container\" container={} error=\"{}\"", dockerId, message(e));
            return new DockerExit(waitCode, false, false, null);
        }
    }

    /**
     * Asks the container to stop as {@code docker stop} does: its stop signal (the image's STOPSIGNAL, else
     * SIGTERM) now, SIGKILL when {@code grace} (rounded up to seconds) is over. Returns at once; the agent's own
     * timer sends the SIGKILL at the exact end of the grace period with {@link #kill}.
     */
    public void stop(String dockerId, Duration grace) {
        int seconds = (int) Math.min(Integer.MAX_VALUE, (grace.toMillis() + 999) / 1000);
        Thread.ofVirtual().name("docker-stop-" + shortId(dockerId)).start(() -> {
            try {
                client.stopContainerCmd(dockerId).withTimeout(seconds).exec();
            } catch (NotModifiedException | NotFoundException e) {
                // stopped already, or gone
            } catch (RuntimeException e) {
                LOG.warn("msg=\"docker stop failed\" container={} error=\"{}\"", dockerId, message(e));
            }
        });
    }

    /** SIGKILL, as {@code docker kill}. Returns at once. */
    public void kill(String dockerId) {
        Thread.ofVirtual().name("docker-kill-" + shortId(dockerId)).start(() -> {
            try {
                client.killContainerCmd(dockerId).exec();
            } catch (NotFoundException | NotModifiedException e) {
                // gone already
            } catch (DockerException e) {
                // 409: not running any more
                if (e.getHttpStatus() != 409) LOG.warn("msg=\"docker kill failed\" container={} error=\"{}\"", dockerId, message(e));
            } catch (RuntimeException e) {
                LOG.warn("msg=\"docker kill failed\" container={} error=\"{}\"", dockerId, message(e));
            }
        });
    }

    /**
     * {@link #remove} on a thread of its own; returns at once. A stopping containerizer lets the removals it was
     * asked for finish first.
     */
    public void removeLater(String dockerId) {
        removals.incrementAndGet();
        Thread.ofVirtual().name("docker-rm-" + shortId(dockerId)).start(() -> {
            try {
                remove(dockerId);
            } finally {
                removals.decrementAndGet();
            }
        });
    }

    /** Removes a container (killing it if it runs) and its anonymous volumes. Blocking; never throws. */
    public void remove(String dockerId) {
        try {
            client.removeContainerCmd(dockerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // gone already
        } catch (RuntimeException e) {
            LOG.warn("msg=\"cannot remove container\" container={} error=\"{}\"", dockerId, message(e));
        }
    }

    /**
     * Runs a command in the running container ({@code docker exec}), as Mesos runs COMMAND health checks of
     * docker tasks: true when it exits 0 within the timeout.
     */
    public boolean exec(String dockerId, List<String> argv, List<String> env, Duration timeout) throws InterruptedException {
        String execId;
        try {
            execId = client.execCreateCmd(dockerId).withCmd(argv.toArray(String[]::new)).withEnv(env)
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
        } catch (RuntimeException e) {
            return false;
        }
        ResultCallback.Adapter<Frame> discard = new ResultCallback.Adapter<>() {
            @Override
            public void onError(Throwable throwable) {
                try {
                    close();
                } catch (IOException e) {
                    // done either way
                }
            }
        };
        try {
            client.execStartCmd(execId).exec(discard);
            if (!discard.awaitCompletion(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS)) return false;
            Long code = client.inspectExecCmd(execId).exec().getExitCodeLong();
            return code != null && code == 0;
        } catch (RuntimeException e) {
            return false;
        } finally {
            try {
                discard.close();
            } catch (IOException e) {
                // nothing to release
            }
        }
    }

    // ------------------------------------------------------------------ recovery

    /** Every container (running or not) labelled as this agent's, i.e. with the agent's work dir. */
    public List<Found> list(Path workDir) throws LaunchException {
        List<Container> all;
        try {
            all = client.listContainersCmd().withShowAll(true)
                    .withLabelFilter(Map.of(DockerRunSpec.LABEL_WORK_DIR, workDir.toString())).exec();
        } catch (RuntimeException e) {
            throw new LaunchException("Failed to list containers: " + message(e));
        }
        List<Found> out = new ArrayList<>();
        for (Container c : all) {
            String name = c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0] : "";
            if (name.startsWith("/")) name = name.substring(1);
            String containerId = c.getLabels() == null ? null : c.getLabels().get(DockerRunSpec.LABEL_CONTAINER_ID);
            out.add(new Found(c.getId(), name, containerId, c.getState()));
        }
        return out;
    }

    // ------------------------------------------------------------------ errors

    /** Docker's own message: the {@code message} of an error body, without docker-java's decorations. */
    public static String message(Throwable e) {
        if (e == null) return "unknown error";
        String m = e.getMessage();
        if (e instanceof DockerException de && de.getMessage() != null) {
            // "Status 404: {\"message\":\"...\"}\n"
            int brace = m.indexOf('{');
            if (brace >= 0) {
                try {
                    JsonNode body = Json.read(m.substring(brace).trim());
                    if (body.hasNonNull("message")) return body.get("message").asText();
                } catch (RuntimeException ignored) {
                    // not JSON: keep the text
                }
            }
        }
        if (m == null || m.isBlank()) {
            return e.getCause() != null && e.getCause() != e ? message(e.getCause()) : e.getClass().getSimpleName();
        }
        m = m.trim();
        if (m.startsWith("Could not pull image: ")) m = m.substring("Could not pull image: ".length());
        return m;
    }

    private static String shortId(String id) {
        return id.substring(0, Math.min(12, id.length()));
    }

    // ------------------------------------------------------------------ close

    /** Stops following containers (they keep running) and closes the connection. */
    @Override
    public void close() {
        closed = true;
        for (Watch w : watches.values()) {
            w.logs().close();
            w.waiter().interrupt();
        }
        for (Watch w : watches.values()) {
            try {
                w.logs().awaitDone(Duration.ofSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        watches.clear();
        // removals already asked for (containers whose terminal update is out) get to finish
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (removals.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        closeQuietly(client, http);
    }

    private static void closeQuietly(DockerClient client, DockerHttpClient http) {
        try {
            client.close();
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
        try {
            http.close();
        } catch (IOException | RuntimeException e) {
            // closing anyway
        }
    }
}
