package io.strata.agent;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.strata.agent.cgroups.Cgroups;
import io.strata.agent.containerizer.ProcessContainerizer;
import io.strata.agent.containerizer.docker.DockerContainerizer;
import io.strata.agent.http.AgentHttp;
import io.strata.agent.http.AgentState;
import io.strata.agent.master.AgentStream;
import io.strata.agent.resources.AgentResources;
import io.strata.agent.resources.Attributes;
import io.strata.common.detector.MasterDetector;
import io.strata.common.files.FilesApi;
import io.strata.common.http.HttpServers;
import io.strata.common.logging.LogFile;
import io.strata.common.metrics.Metrics;
import io.strata.common.zk.ZkUri;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running agent: its HTTP endpoints, its stream to the master, its tasks. Stopping it is graceful. */
public final class AgentServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentServer.class);

    private final AgentConfig config;
    private final Javalin http;
    private final Agent agent;
    private final AgentStream stream;
    private final DockerContainerizer docker;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AgentServer(AgentConfig config, Javalin http, Agent agent, AgentStream stream, DockerContainerizer docker) {
        this.config = config;
        this.http = http;
        this.agent = agent;
        this.stream = stream;
        this.docker = docker;
    }

    /**
     * Starts an agent: recovers the checkpointed tasks under the work dir (re-attaching live processes), starts
     * HTTP, then subscribes to the leading master in the background. Returns once HTTP is up; the agent id is
     * known after the first SUBSCRIBED (or at once when it was checkpointed).
     */
    public static AgentServer start(AgentConfig config) throws Exception {
        Objects.requireNonNull(config.master(), "master");
        Objects.requireNonNull(config.workDir(), "workDir");
        Files.createDirectories(config.workDir());
        PrometheusMeterRegistry registry = Metrics.newRegistry("agent");

        AgentResources.Machine machine = AgentResources.Machine.probe(config.workDir());
        List<Resource> resources = AgentResources.resolve(config.resources(), config.isPublic(), machine);
        List<Attribute> attributes = Attributes.parse(config.attributes());
        if (config.isPublic()) attributes = Attributes.withPublicIp(attributes);

        Cgroups cgroups = Cgroups.detect(config.cgroupsRoot());
        LOG.info("msg=\"cgroups\" layout=\"{}\"", cgroups.describe());
        ProcessContainerizer containerizer = new ProcessContainerizer(cgroups);
        DockerContainerizer docker = docker(config);
        List<String> containerizers = containerizers(config, docker);

        // a ZooKeeper detector connects (and may wait for ZooKeeper) in the stream's thread; syntax is checked now
        if (config.master().startsWith("zk://")) ZkUri.parse(config.master());
        else MasterDetector.of(config.master());
        Javalin http = null;
        Agent agent = null;
        AgentStream stream = null;
        try {
            // HTTP first: the port goes into AgentInfo and MESOS_AGENT_ENDPOINT
            http = HttpServers.create("agent", config.bindHost(), config.port(), registry, null);
            Agent[] holder = new Agent[1];
            http.before(ctx -> {
                if (holder[0] == null && !ctx.path().equals("/health") && !ctx.path().equals("/metrics")) {
                    ctx.status(503).contentType("text/plain").result("Agent is recovering");
                    ctx.skipRemainingHandlers();
                }
            });
            FilesApi files = new FilesApi(() -> {
                Map<String, Path> attached = FilesApi.attach(holder[0].layout().slavesDir(), holder[0].sandboxes());
                // the agent's own log as Mesos serves it, when it logs to a file (dcos node log --mesos-id)
                LogFile.current().ifPresent(f -> attached.put("/slave/log", f));
                return attached;
            });
            Map<String, String> flags = flags(config, cgroups, containerizers, docker);
            new AgentHttp(() -> holder[0].snapshot(flags), files).register(http);
            HttpServers.start(http);
            int port = http.port();

            AgentInfo info = AgentInfo.newBuilder()
                    .setHostname(config.advertisedHost())
                    .setPort(port)
                    .addAllResources(resources)
                    .addAllAttributes(attributes)
                    .build();
            agent = new Agent(config, info, containerizer, docker, containerizers.contains(AgentConfig.MESOS), new AgentMetrics(registry));
            holder[0] = agent;
            agent.recover();
            stream = new AgentStream(() -> MasterDetector.of(config.master()), agent);
            agent.outbound(stream::send);
            agent.startTimers();
            stream.start();
            LOG.info("msg=\"agent started\" port={} work_dir={} master={} agent_id={} resources=\"{}\" machine=\"{}\" containerizers={}",
                    port, config.workDir(), config.master(), agent.agentId(), io.strata.common.resources.Resources.of(resources),
                    AgentResources.describe(machine), String.join(",", containerizers));
            return new AgentServer(config, http, agent, stream, docker);
        } catch (Exception | Error e) {
            if (stream != null) stream.close();
            if (agent != null) agent.shutdown(false, null);
            if (docker != null) docker.close();
            if (http != null) http.stop();
            throw e;
        }
    }

    /**
     * The docker containerizer, when wanted: named in --containerizers (then Docker must answer, as a Mesos agent
     * refuses to start without it), or by default whenever the daemon answers (DC/OS agents run
     * {@code docker,mesos}).
     */
    private static DockerContainerizer docker(AgentConfig config) {
        List<String> wanted = config.containerizers();
        if (wanted != null && !wanted.contains(AgentConfig.DOCKER)) return null;
        try {
            DockerContainerizer docker = DockerContainerizer.connect(config.dockerSettings());
            LOG.info("msg=\"docker containerizer enabled\" host={} docker_version={} docker_config={}", config.dockerSettings().host(),
                    docker.serverVersion(), config.dockerSettings().config());
            return docker;
        } catch (DockerContainerizer.UnavailableException e) {
            if (wanted != null) {
                throw new IllegalStateException("--containerizers includes docker, but " + e.getMessage(), e);
            }
            LOG.info("msg=\"docker containerizer disabled: Docker does not answer\" host={} error=\"{}\"",
                    config.dockerSettings().host(), e.getMessage());
            return null;
        }
    }

    /** The containerizers in effect, in order: the configured ones, or mesos plus docker when it answered. */
    private static List<String> containerizers(AgentConfig config, DockerContainerizer docker) {
        if (config.containerizers() != null) return config.containerizers();
        List<String> out = new ArrayList<>();
        out.add(AgentConfig.MESOS);
        if (docker != null) out.add(AgentConfig.DOCKER);
        return List.copyOf(out);
    }

    private static Map<String, String> flags(AgentConfig c, Cgroups cgroups, List<String> containerizers, DockerContainerizer docker) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("master", c.master());
        f.put("ip", c.bindHost());
        f.put("port", Integer.toString(c.port()));
        f.put("hostname", c.advertisedHost());
        f.put("work_dir", c.workDir().toString());
        if (c.resources() != null) f.put("resources", c.resources());
        if (c.attributes() != null) f.put("attributes", c.attributes());
        f.put("containerizers", String.join(",", containerizers));
        if (docker != null) {
            String host = docker.settings().host();
            f.put("docker_socket", host.startsWith("unix://") ? host.substring("unix://".length()) : host);
            f.put("docker_config", String.valueOf(docker.settings().config()));
        }
        f.put("isolation", cgroups.version() == 0 ? "posix/cpu,posix/mem" : "cgroups/cpu,cgroups/mem");
        f.put("cgroups_root", c.cgroupsRoot() == null ? "" : c.cgroupsRoot());
        f.put("cgroups_layout", cgroups.describe());
        f.put("strata_public", Boolean.toString(c.isPublic()));
        f.put("strata_kill_tasks_on_shutdown", Boolean.toString(c.killTasksOnShutdown()));
        f.put("max_completed_tasks", Integer.toString(c.maxCompletedTasks()));
        return f;
    }

    /** The HTTP port actually bound. */
    public int port() {
        return http.port();
    }

    /** The agent id the master gave it, or null before the first registration. */
    public String agentId() {
        return agent.agentId();
    }

    /** Whether the agent is subscribed to a master right now. */
    public boolean registered() {
        return agent.registered() && stream.subscribed();
    }

    /** A snapshot of what /state shows. */
    public AgentState state() {
        return agent.snapshot(Map.of());
    }

    /** What the checkpoint log has done since the agent started (commits = flushes); for benchmarks and tests. */
    public io.strata.agent.checkpoint.CheckpointLog.Stats checkpointStats() {
        return agent.checkpoints().stats();
    }

    /**
     * Stops gracefully: with {@code killTasksOnShutdown} kills every task (grace periods apply), waits for them
     * and hands their terminal updates to the master; otherwise leaves them running for the next start to
     * re-attach. Then closes the master stream and HTTP.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        LOG.info("msg=\"agent stopping\" kill_tasks={}", config.killTasksOnShutdown());
        try {
            agent.shutdown(config.killTasksOnShutdown(), stream);
        } finally {
            if (docker != null) docker.close(); // containers keep running; their log positions are saved
            stream.close();
            http.stop();
        }
    }
}
