package io.strata.agent.containerizer;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Value;

/**
 * The environment a task's command runs with. Later layers win: a minimal base inherited from the agent
 * (PATH, HOME, locale) and, for tasks on the agent's own host, where Strata's launcher is ({@code STRATA_JAVA},
 * {@code STRATA_NODE_JAR}: packages such as {@code marathon} run {@code dcos-node} subcommands as tasks), then
 * {@code HOST} and the {@code PORT*} variables from the task's port resources, then the framework's own
 * {@code CommandInfo.environment} (Marathon sets PORT0, MARATHON_APP_ID, ... there), then the variables that only
 * the agent can know ({@code MESOS_*}).
 */
public final class TaskEnvironment {
    /** Inherited from the agent when set; everything else of the agent's environment stays with the agent. */
    static final List<String> INHERITED = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "USER", "LOGNAME", "TMPDIR");
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** Port variables stop here; a task holding a huge range does not need one variable per port. */
    static final int MAX_PORT_VARIABLES = 1000;

    /** The java executable the agent runs on. */
    public static final String STRATA_JAVA = "STRATA_JAVA";
    /** The dcos-node jar the agent runs from (absent when the agent runs without the launcher, as in unit tests). */
    public static final String STRATA_NODE_JAR = "STRATA_NODE_JAR";

    /** What the agent knows about where the task runs. */
    public record Context(String frameworkId, String executorId, String agentId, Path sandbox, String agentEndpoint, String host) {}

    private TaskEnvironment() {}

    public static Map<String, String> build(TaskInfo task, CommandInfo command, Context ctx, Map<String, String> agentEnv) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : INHERITED) {
            String v = agentEnv.get(name);
            if (v != null) env.put(name, v);
        }
        env.putIfAbsent("PATH", DEFAULT_PATH);
        // an empty agent environment means the task does not run on the agent's host (Docker): no launcher there
        if (!agentEnv.isEmpty()) env.putAll(launcher());

        env.put("HOST", ctx.host());
        List<Long> ports = ports(task.getResourcesList());
        for (int i = 0; i < ports.size(); i++) env.put("PORT" + i, Long.toString(ports.get(i)));
        if (!ports.isEmpty()) {
            env.put("PORT", Long.toString(ports.get(0)));
            env.put("PORTS", String.join(",", ports.stream().map(String::valueOf).toList()));
        }

        if (command != null && command.hasEnvironment()) {
            for (Environment.Variable v : command.getEnvironment().getVariablesList()) {
                if (v.hasType() && v.getType() != Environment.Variable.Type.VALUE) continue; // secrets are not supported
                if (v.getName().isEmpty() || v.getName().indexOf('=') >= 0 || v.getName().indexOf('\0') >= 0) continue;
                env.put(v.getName(), v.getValue());
            }
        }

        env.put("MESOS_TASK_ID", task.getTaskId().getValue());
        env.put("MESOS_FRAMEWORK_ID", ctx.frameworkId());
        env.put("MESOS_EXECUTOR_ID", ctx.executorId());
        if (ctx.agentId() != null) {
            env.put("MESOS_AGENT_ID", ctx.agentId());
            env.put("MESOS_SLAVE_ID", ctx.agentId());
        }
        env.put("MESOS_SANDBOX", ctx.sandbox().toString());
        env.put("MESOS_DIRECTORY", ctx.sandbox().toString());
        env.put("MESOS_AGENT_ENDPOINT", ctx.agentEndpoint());
        return env;
    }

    /**
     * Where the running Strata launcher is: the JVM's own java executable and the launcher's jar
     * ({@code dcos-node.jar}) when the agent runs inside it. Looked up once: neither changes while the JVM runs,
     * and every task launch (with the agent's lock held) asks.
     */
    public static Map<String, String> launcher() {
        return Launcher.ENV;
    }

    private static final class Launcher {
        static final Map<String, String> ENV = Collections.unmodifiableMap(find());
    }

    private static Map<String, String> find() {
        Map<String, String> env = new LinkedHashMap<>();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(java)) env.put(STRATA_JAVA, java.toString());
        nodeJar().ifPresent(jar -> env.put(STRATA_NODE_JAR, jar.toString()));
        return env;
    }

    /** The launcher's main class; looked up by name, since the agent is a library of the launcher. */
    static final String LAUNCHER_CLASS = "io/strata/node/DcosNode.class";

    private static Optional<Path> nodeJar() {
        try {
            URL url = ClassLoader.getSystemResource(LAUNCHER_CLASS);
            if (url == null || !url.getProtocol().equals("jar")) return Optional.empty();
            String file = url.getPath(); // file:/.../dcos-node.jar!/io/strata/node/DcosNode.class
            int bang = file.indexOf("!/");
            if (bang < 0) return Optional.empty();
            Path path = Path.of(new URI(file.substring(0, bang)));
            return Files.isRegularFile(path) ? Optional.of(path.toAbsolutePath()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty(); // not a plain file jar: no jar to point at
        }
    }

    /** The task's ports in the order its resources list them. */
    public static List<Long> ports(List<Resource> resources) {
        List<Long> out = new ArrayList<>();
        for (Resource r : resources) {
            if (!r.getName().equals("ports") || !r.hasRanges()) continue;
            for (Value.Range range : r.getRanges().getRangeList()) {
                for (long p = range.getBegin(); p <= range.getEnd() && out.size() < MAX_PORT_VARIABLES; p++) out.add(p);
            }
        }
        return out;
    }
}
