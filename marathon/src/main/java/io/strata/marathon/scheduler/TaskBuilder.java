package io.strata.marathon.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.Container;
import io.strata.marathon.model.FetchUri;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.Network;
import io.strata.marathon.model.PortDefinition;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.Timestamps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.ContainerInfo;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.apache.mesos.v1.Protos.Environment;
import org.apache.mesos.v1.Protos.Image;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.Labels;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Parameter;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Ports;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.Volume;

/**
 * Builds the Mesos TaskInfo for an instance as Marathon does: name and discovery name {@code web.prod} for
 * {@code /prod/web} (Mesos-DNS names the task from it), the matched resources, the command (shell for {@code cmd},
 * argv for {@code args}), fetch URIs, Marathon's environment ({@code MARATHON_APP_ID}, {@code PORT0}..., {@code HOST},
 * {@code MESOS_TASK_ID}...), the container, app labels as task labels, the Mesos-run health check and kill policy.
 */
public final class TaskBuilder {
    private TaskBuilder() {}

    public static TaskInfo build(OfferMatcher.Match m, String agentId, String hostname, String defaultUser) {
        AppDefinition app = m.app();
        Instance instance = m.instance();
        TaskInfo.Builder t = TaskInfo.newBuilder()
                .setName(app.id().hostname())
                .setTaskId(TaskID.newBuilder().setValue(instance.taskId()))
                .setAgentId(AgentID.newBuilder().setValue(agentId))
                .addAllResources(m.resources());
        Map<String, String> env = environment(app, instance, hostname, m.hostPorts());
        CommandInfo.Builder cmd = CommandInfo.newBuilder();
        if (app.cmd() != null) {
            cmd.setShell(true).setValue(app.cmd());
        } else if (!app.args().isEmpty()) {
            cmd.setShell(false).addAllArguments(app.args());
            if (app.container() == null || app.container().docker() == null) cmd.setValue(app.args().get(0));
        } else {
            cmd.setShell(false);
        }
        cmd.setUser(app.user() != null ? app.user() : defaultUser);
        for (FetchUri f : app.fetch()) {
            CommandInfo.URI.Builder u = CommandInfo.URI.newBuilder().setValue(f.uri()).setExtract(f.extract())
                    .setExecutable(f.executable()).setCache(f.cache());
            if (f.destPath() != null) u.setOutputFile(f.destPath());
            cmd.addUris(u);
        }
        Environment.Builder eb = Environment.newBuilder();
        env.forEach((k, v) -> eb.addVariables(Environment.Variable.newBuilder().setName(k).setValue(v)));
        cmd.setEnvironment(eb);
        t.setCommand(cmd);
        if (app.container() != null) t.setContainer(container(app, instance, m.hostPorts()));
        if (!app.labels().isEmpty()) t.setLabels(labels(app.labels()));
        t.setDiscovery(discovery(app, m.hostPorts()));
        for (HealthCheck hc : app.healthChecks()) {
            if (hc.runByMesos()) {
                t.setHealthCheck(healthCheck(app, hc, m.hostPorts()));
                break;
            }
        }
        if (app.taskKillGracePeriodSeconds() != null) {
            t.setKillPolicy(KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder()
                    .setNanoseconds(app.taskKillGracePeriodSeconds() * 1_000_000_000L)));
        }
        return t.build();
    }

    /** Marathon's task environment: the app's own variables, then what Marathon adds. */
    static Map<String, String> environment(AppDefinition app, Instance instance, String hostname, List<Integer> hostPorts) {
        Map<String, String> env = new LinkedHashMap<>();
        app.env().forEach((k, v) -> {
            if (v.value() != null) env.put(k, v.value());
        });
        List<Integer> ports = new ArrayList<>();
        List<String> names = new ArrayList<>();
        if (app.usesHostNetworking()) {
            for (int i = 0; i < app.portDefinitions().size(); i++) {
                PortDefinition d = app.portDefinitions().get(i);
                ports.add(i < hostPorts.size() ? hostPorts.get(i) : d.port());
                names.add(d.name());
            }
        } else {
            int h = 0;
            for (PortMapping pm : app.portMappings()) {
                if (pm.hostPort() != null && h < hostPorts.size()) ports.add(hostPorts.get(h++));
                else ports.add(pm.containerPort() == null ? 0 : pm.containerPort());
                names.add(pm.name());
            }
        }
        if (!ports.isEmpty()) {
            for (int i = 0; i < ports.size(); i++) {
                env.put("PORT" + i, Integer.toString(ports.get(i)));
                String n = names.get(i);
                if (n != null) env.put("PORT_" + n.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_"), Integer.toString(ports.get(i)));
            }
            env.put("PORT", Integer.toString(ports.get(0)));
            env.put("PORTS", String.join(",", ports.stream().map(String::valueOf).toList()));
        }
        if (!app.usesHostNetworking()) {
            int h = 0;
            for (PortMapping pm : app.portMappings()) {
                if (pm.hostPort() != null && pm.containerPort() != null && pm.containerPort() != 0 && h < hostPorts.size()) {
                    env.put("PORT_" + pm.containerPort(), Integer.toString(hostPorts.get(h)));
                }
                if (pm.hostPort() != null) h++;
            }
        }
        env.put("HOST", hostname);
        env.put("MESOS_TASK_ID", instance.taskId());
        env.put("MARATHON_APP_ID", app.id().toString());
        env.put("MARATHON_APP_VERSION", Timestamps.format(app.version()));
        if (app.container() != null && app.container().docker() != null) env.put("MARATHON_APP_DOCKER_IMAGE", app.container().docker().image());
        env.put("MARATHON_APP_RESOURCE_CPUS", Double.toString(app.cpus()));
        env.put("MARATHON_APP_RESOURCE_MEM", Double.toString(app.mem()));
        env.put("MARATHON_APP_RESOURCE_DISK", Double.toString(app.disk()));
        env.put("MARATHON_APP_RESOURCE_GPUS", Integer.toString(app.gpus()));
        List<String> labelNames = new ArrayList<>();
        app.labels().forEach((k, v) -> {
            String name = k.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9_]", "_");
            if (v.length() <= 512 && name.matches("^[A-Z_][A-Z0-9_]*$")) {
                labelNames.add(name);
                env.put("MARATHON_APP_LABEL_" + name, v);
            }
        });
        env.put("MARATHON_APP_LABELS", String.join(" ", labelNames));
        return env;
    }

    static ContainerInfo container(AppDefinition app, Instance instance, List<Integer> hostPorts) {
        Container c = app.container();
        ContainerInfo.Builder ci = ContainerInfo.newBuilder();
        boolean bridge = app.usesBridgeNetworking();
        boolean host = app.usesHostNetworking();
        if (c.isDocker()) {
            ci.setType(ContainerInfo.Type.DOCKER);
            ContainerInfo.DockerInfo.Builder d = ContainerInfo.DockerInfo.newBuilder().setImage(c.docker().image())
                    .setPrivileged(c.docker().privileged()).setForcePullImage(c.docker().forcePullImage())
                    .setNetwork(host ? ContainerInfo.DockerInfo.Network.HOST
                            : bridge ? ContainerInfo.DockerInfo.Network.BRIDGE : ContainerInfo.DockerInfo.Network.USER);
            for (Container.Parameter p : c.docker().parameters()) d.addParameters(Parameter.newBuilder().setKey(p.key()).setValue(p.value()));
            d.addParameters(Parameter.newBuilder().setKey("label").setValue("MESOS_TASK_ID=" + instance.taskId()));
            if (!host) {
                int h = 0;
                for (PortMapping pm : app.portMappings()) {
                    if (pm.hostPort() == null || h >= hostPorts.size()) continue;
                    int hp = hostPorts.get(h++);
                    for (String proto : pm.protocol().split(",")) {
                        d.addPortMappings(ContainerInfo.DockerInfo.PortMapping.newBuilder().setHostPort(hp)
                                .setContainerPort(pm.containerPort() == null || pm.containerPort() == 0 ? hp : pm.containerPort())
                                .setProtocol(proto));
                    }
                }
            }
            ci.setDocker(d);
        } else {
            ci.setType(ContainerInfo.Type.MESOS);
            if (c.docker() != null && !c.docker().image().isEmpty()) {
                ci.setMesos(ContainerInfo.MesosInfo.newBuilder().setImage(Image.newBuilder().setType(Image.Type.DOCKER)
                        .setDocker(Image.Docker.newBuilder().setName(c.docker().image())).setCached(!c.docker().forcePullImage())));
            }
            if (!host) {
                for (Network n : app.networks()) {
                    NetworkInfo.Builder ni = NetworkInfo.newBuilder();
                    ni.setName(n.isBridge() ? "mesos-bridge" : n.name() == null ? "" : n.name());
                    if (!n.labels().isEmpty()) ni.setLabels(labels(n.labels()));
                    int h = 0;
                    for (PortMapping pm : app.portMappings()) {
                        if (pm.hostPort() == null || h >= hostPorts.size()) continue;
                        int hp = hostPorts.get(h++);
                        ni.addPortMappings(NetworkInfo.PortMapping.newBuilder().setHostPort(hp)
                                .setContainerPort(pm.containerPort() == null || pm.containerPort() == 0 ? hp : pm.containerPort())
                                .setProtocol(pm.protocol().split(",")[0]));
                    }
                    ci.addNetworkInfos(ni);
                }
            }
        }
        if (c.volumes() != null) {
            for (JsonNode v : c.volumes()) {
                if (!v.path("hostPath").isTextual() || !v.path("containerPath").isTextual()) continue;
                ci.addVolumes(Volume.newBuilder().setContainerPath(v.get("containerPath").asText()).setHostPath(v.get("hostPath").asText())
                        .setMode("RO".equalsIgnoreCase(v.path("mode").asText()) ? Volume.Mode.RO : Volume.Mode.RW));
            }
        }
        return ci.build();
    }

    static DiscoveryInfo discovery(AppDefinition app, List<Integer> hostPorts) {
        DiscoveryInfo.Builder d = DiscoveryInfo.newBuilder().setName(app.id().hostname()).setVisibility(DiscoveryInfo.Visibility.FRAMEWORK);
        Ports.Builder ports = Ports.newBuilder();
        if (app.usesHostNetworking()) {
            for (int i = 0; i < app.portDefinitions().size() && i < hostPorts.size(); i++) {
                PortDefinition pd = app.portDefinitions().get(i);
                for (String proto : pd.protocol().split(",")) {
                    Port.Builder p = Port.newBuilder().setNumber(hostPorts.get(i)).setProtocol(proto);
                    if (pd.name() != null) p.setName(pd.name());
                    Map<String, String> l = new LinkedHashMap<>(pd.labels());
                    l.put("network-scope", "host");
                    p.setLabels(labels(l));
                    ports.addPorts(p);
                }
            }
        } else {
            int h = 0;
            for (PortMapping pm : app.portMappings()) {
                boolean hasHost = pm.hostPort() != null && h < hostPorts.size();
                int number = hasHost ? hostPorts.get(h++) : pm.containerPort() == null ? 0 : pm.containerPort();
                for (String proto : pm.protocol().split(",")) {
                    Port.Builder p = Port.newBuilder().setNumber(number).setProtocol(proto);
                    if (pm.name() != null) p.setName(pm.name());
                    Map<String, String> l = new LinkedHashMap<>(pm.labels());
                    l.put("network-scope", hasHost ? "host" : "container");
                    p.setLabels(labels(l));
                    ports.addPorts(p);
                }
            }
        }
        d.setPorts(ports);
        return d.build();
    }

    static org.apache.mesos.v1.Protos.HealthCheck healthCheck(AppDefinition app, HealthCheck hc, List<Integer> hostPorts) {
        org.apache.mesos.v1.Protos.HealthCheck.Builder h = org.apache.mesos.v1.Protos.HealthCheck.newBuilder()
                .setDelaySeconds(hc.delaySeconds()).setIntervalSeconds(hc.intervalSeconds()).setTimeoutSeconds(hc.timeoutSeconds())
                .setConsecutiveFailures(hc.maxConsecutiveFailures()).setGracePeriodSeconds(hc.gracePeriodSeconds());
        Integer port = hc.port();
        if (port == null && hc.portIndex() != null) {
            int idx = hc.portIndex();
            if (app.usesHostNetworking()) {
                port = idx < hostPorts.size() ? hostPorts.get(idx) : null;
            } else if (idx < app.portMappings().size()) {
                // inside the container's network the check talks to the container port
                PortMapping pm = app.portMappings().get(idx);
                port = pm.containerPort() != null && pm.containerPort() != 0 ? pm.containerPort() : null;
                if (port == null) {
                    int hostIndex = 0;
                    for (int k = 0; k < idx; k++) if (app.portMappings().get(k).hostPort() != null) hostIndex++;
                    port = hostIndex < hostPorts.size() ? hostPorts.get(hostIndex) : null;
                }
            }
        }
        switch (hc.protocol()) {
            case "COMMAND" -> h.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.COMMAND)
                    .setCommand(CommandInfo.newBuilder().setShell(true).setValue(hc.command() == null ? "true" : hc.command()));
            case "MESOS_TCP" -> h.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.TCP)
                    .setTcp(org.apache.mesos.v1.Protos.HealthCheck.TCPCheckInfo.newBuilder().setPort(port == null ? 0 : port));
            default -> {
                org.apache.mesos.v1.Protos.HealthCheck.HTTPCheckInfo.Builder http = org.apache.mesos.v1.Protos.HealthCheck.HTTPCheckInfo.newBuilder()
                        .setPort(port == null ? 0 : port).setScheme(hc.protocol().equals("MESOS_HTTPS") ? "https" : "http");
                if (hc.path() != null) http.setPath(hc.path());
                h.setType(org.apache.mesos.v1.Protos.HealthCheck.Type.HTTP).setHttp(http);
            }
        }
        return h.build();
    }

    static Labels labels(Map<String, String> labels) {
        Labels.Builder b = Labels.newBuilder();
        labels.forEach((k, v) -> b.addLabels(Label.newBuilder().setKey(k).setValue(v)));
        return b.build();
    }
}
