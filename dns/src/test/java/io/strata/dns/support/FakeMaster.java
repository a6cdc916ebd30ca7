package io.strata.dns.support;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.strata.common.json.Json;
import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.Address;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.MasterInfo;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/**
 * A stand-in master for tests and benchmarks, speaking only the parts of the public contract DNS reads: the
 * operator API's SUBSCRIBE stream (RecordIO JSON) and GET_MASTER, and {@code /master/state}. Listens on
 * 127.0.0.1 on a free port. With {@link #redirectTo} it plays a master that does not lead.
 */
public final class FakeMaster implements AutoCloseable {
    private final HttpServer server;
    private final Map<String, Response.GetAgents.Agent> agents = new LinkedHashMap<>();
    private final Map<String, FrameworkInfo> frameworks = new LinkedHashMap<>();
    private final Map<String, Task> tasks = new LinkedHashMap<>();
    private static final Event END = Event.getDefaultInstance();
    private final List<LinkedBlockingQueue<Event>> subscribers = new CopyOnWriteArrayList<>();
    private volatile String redirectTo;
    private volatile boolean operatorApi = true;

    public FakeMaster() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1", this::operator);
        server.createContext("/master/state", this::state);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String hostPort() {
        return "127.0.0.1:" + port();
    }

    /** Answer everything with 307 to another master (a master that does not lead). */
    public void redirectTo(String hostPort) {
        this.redirectTo = hostPort;
    }

    /** Answer the operator API with 404, like a master too old to have it: only /master/state is left. */
    public void disableOperatorApi() {
        this.operatorApi = false;
    }

    public int subscribers() {
        return subscribers.size();
    }

    // ------------------------------------------------------------------ the cluster

    public synchronized void addAgent(String id, String ip, int port) {
        Response.GetAgents.Agent a = Response.GetAgents.Agent.newBuilder()
                .setAgentInfo(AgentInfo.newBuilder().setId(AgentID.newBuilder().setValue(id)).setHostname(ip).setPort(port))
                .setPid("slave(1)@" + ip + ":" + port).setActive(true).setVersion("1.11.0").build();
        agents.put(id, a);
        publish(Event.newBuilder().setType(Event.Type.AGENT_ADDED).setAgentAdded(Event.AgentAdded.newBuilder().setAgent(a)).build());
    }

    public synchronized void removeAgent(String id) {
        agents.remove(id);
        publish(Event.newBuilder().setType(Event.Type.AGENT_REMOVED).setAgentRemoved(Event.AgentRemoved.newBuilder()
                .setAgentId(AgentID.newBuilder().setValue(id))).build());
    }

    public synchronized void addFramework(String id, String name, String hostname) {
        FrameworkInfo info = FrameworkInfo.newBuilder().setId(FrameworkID.newBuilder().setValue(id)).setName(name)
                .setUser("root").setHostname(hostname).build();
        frameworks.put(id, info);
        publish(Event.newBuilder().setType(Event.Type.FRAMEWORK_ADDED).setFrameworkAdded(Event.FrameworkAdded.newBuilder()
                .setFramework(framework(info))).build());
    }

    /** Adds a task as launched (TASK_ADDED); it carries its state, statuses, ports and discovery as given. */
    public synchronized void addTask(Task task) {
        tasks.put(task.getTaskId().getValue(), task);
        publish(Event.newBuilder().setType(Event.Type.TASK_ADDED).setTaskAdded(Event.TaskAdded.newBuilder().setTask(task)).build());
    }

    /** Adds many tasks without events (for a large SUBSCRIBED snapshot). */
    public synchronized void addTasksQuietly(List<Task> many) {
        for (Task t : many) tasks.put(t.getTaskId().getValue(), t);
    }

    /** A status update (TASK_UPDATED), as the master sends it once the agent reports. */
    public synchronized void update(String taskId, TaskState state, String containerIp) {
        Task t = tasks.get(taskId);
        TaskStatus.Builder s = TaskStatus.newBuilder().setTaskId(t.getTaskId()).setAgentId(t.getAgentId()).setState(state)
                .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (containerIp != null) {
            s.setContainerStatus(org.apache.mesos.v1.Protos.ContainerStatus.newBuilder().addNetworkInfos(
                    org.apache.mesos.v1.Protos.NetworkInfo.newBuilder().addIpAddresses(
                            org.apache.mesos.v1.Protos.NetworkInfo.IPAddress.newBuilder().setIpAddress(containerIp))));
        }
        Task updated = t.toBuilder().setState(state).addStatuses(s).build();
        tasks.put(taskId, updated);
        publish(Event.newBuilder().setType(Event.Type.TASK_UPDATED).setTaskUpdated(Event.TaskUpdated.newBuilder()
                .setFrameworkId(t.getFrameworkId()).setStatus(s).setState(state)).build());
    }

    /** Changes a task without telling subscribers (so only a resync from /master/state can notice). */
    public synchronized void updateQuietly(String taskId, TaskState state) {
        Task t = tasks.get(taskId);
        tasks.put(taskId, t.toBuilder().setState(state).build());
    }

    private static Response.GetFrameworks.Framework framework(FrameworkInfo info) {
        return Response.GetFrameworks.Framework.newBuilder().setFrameworkInfo(info).setActive(true).setConnected(true)
                .setRecovered(false).build();
    }

    private void publish(Event event) {
        for (LinkedBlockingQueue<Event> q : subscribers) q.add(event);
    }

    /** Ends every open event stream (a master failing over or restarting). */
    public void dropStreams() {
        for (LinkedBlockingQueue<Event> q : subscribers) q.add(END);
    }

    private static byte[] encode(Event e, boolean protobuf) {
        return RecordIO.frame(protobuf ? e.toByteArray() : ProtoJson.print(e).getBytes(StandardCharsets.UTF_8));
    }

    // ------------------------------------------------------------------ HTTP

    private synchronized Event subscribedEvent() {
        Response.GetState.Builder st = Response.GetState.newBuilder();
        st.getGetAgentsBuilder().addAllAgents(agents.values());
        for (FrameworkInfo f : frameworks.values()) st.getGetFrameworksBuilder().addFrameworks(framework(f));
        st.getGetTasksBuilder().addAllTasks(tasks.values());
        return Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                .setGetState(st).setHeartbeatIntervalSeconds(15)).build();
    }

    private MasterInfo masterInfo() {
        return MasterInfo.newBuilder().setId("fake").setIp(0x0100007f).setPort(port()).setHostname("127.0.0.1")
                .setAddress(Address.newBuilder().setIp("127.0.0.1").setPort(port()).setHostname("127.0.0.1")).build();
    }

    private void operator(HttpExchange ex) throws IOException {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (redirectTo != null) {
                ex.getResponseHeaders().add("Location", "//" + redirectTo + "/api/v1");
                ex.sendResponseHeaders(307, -1);
                return;
            }
            if (!operatorApi) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            String type = Json.read(body).path("type").asText();
            if (type.equals("GET_MASTER")) {
                Response r = Response.newBuilder().setType(Response.Type.GET_MASTER)
                        .setGetMaster(Response.GetMaster.newBuilder().setMasterInfo(masterInfo())).build();
                byte[] out = ProtoJson.print(r).getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
                return;
            }
            if (!type.equals("SUBSCRIBE")) {
                ex.sendResponseHeaders(501, -1);
                return;
            }
            // as a Mesos master: protobuf only when the client accepts nothing else
            String accept = ex.getRequestHeaders().getFirst("Accept");
            boolean protobuf = accept != null && accept.contains("application/x-protobuf") && !accept.contains("json");
            LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
            byte[] first;
            synchronized (this) {
                first = encode(subscribedEvent(), protobuf);
                subscribers.add(queue);
            }
            ex.getResponseHeaders().add("Content-Type", protobuf ? "application/x-protobuf" : "application/json");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            try {
                out.write(first);
                out.flush();
                while (true) {
                    Event next = queue.poll(30, TimeUnit.SECONDS);
                    if (next == null) continue;
                    if (next == END) return;
                    out.write(encode(next, protobuf));
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // subscriber went away
            } finally {
                subscribers.remove(queue);
            }
        }
    }

    private void state(HttpExchange ex) throws IOException {
        try (ex) {
            if (redirectTo != null) {
                ex.getResponseHeaders().add("Location", "//" + redirectTo + "/master/state");
                ex.sendResponseHeaders(307, -1);
                return;
            }
            byte[] out = Json.write(stateJson()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        }
    }

    /** {@code /master/state} with the Mesos 1.x fields DNS reads. */
    public synchronized ObjectNode stateJson() {
        ObjectNode o = Json.object();
        o.put("leader", "master@127.0.0.1:" + port());
        ArrayNode slaves = o.putArray("slaves");
        for (Response.GetAgents.Agent a : agents.values()) {
            slaves.addObject().put("id", a.getAgentInfo().getId().getValue()).put("hostname", a.getAgentInfo().getHostname())
                    .put("port", a.getAgentInfo().getPort()).put("pid", a.getPid());
        }
        ArrayNode fws = o.putArray("frameworks");
        for (FrameworkInfo f : frameworks.values()) {
            ObjectNode fo = fws.addObject().put("id", f.getId().getValue()).put("name", f.getName()).put("hostname", f.getHostname());
            ArrayNode ts = fo.putArray("tasks");
            for (Task t : tasks.values()) {
                if (!t.getFrameworkId().equals(f.getId())) continue;
                ObjectNode to = ts.addObject().put("id", t.getTaskId().getValue()).put("name", t.getName())
                        .put("framework_id", f.getId().getValue()).put("slave_id", t.getAgentId().getValue())
                        .put("state", t.getState().name());
                StringBuilder ports = new StringBuilder("[");
                for (Resource r : t.getResourcesList()) {
                    if (!r.getName().equals("ports")) continue;
                    for (Value.Range range : r.getRanges().getRangeList()) {
                        if (ports.length() > 1) ports.append(", ");
                        ports.append(range.getBegin()).append('-').append(range.getEnd());
                    }
                }
                to.putObject("resources").put("ports", ports.append(']').toString());
                ArrayNode statuses = to.putArray("statuses");
                for (TaskStatus s : t.getStatusesList()) {
                    ObjectNode so = statuses.addObject().put("state", s.getState().name()).put("timestamp", s.getTimestamp());
                    if (s.hasContainerStatus()) so.set("container_status", ProtoJson.tree(s.getContainerStatus()));
                }
                if (t.hasDiscovery()) to.set("discovery", ProtoJson.tree(t.getDiscovery()));
            }
        }
        return o;
    }

    @Override
    public void close() {
        dropStreams();
        server.stop(0);
    }
}
