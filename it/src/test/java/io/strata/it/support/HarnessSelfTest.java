package io.strata.it.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Checks the harness itself, without daemons, so that an end-to-end failure points at the product and not
 * at the test scaffolding.
 */
class HarnessSelfTest {

    @Test
    void procsFindsATaskProcessByItsEnvironmentAndSandbox(@TempDir Path root) throws Exception {
        Path sandbox = Files.createDirectories(root.resolve("sandbox"));
        ProcessBuilder pb = new ProcessBuilder("setsid", "sh", "-c", "exec sleep 60").directory(sandbox.toFile());
        pb.environment().put("MESOS_TASK_ID", "self-test-task");
        pb.environment().put("MESOS_SANDBOX", sandbox.toString());
        Process p = pb.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    Procs.taskPids(root).getOrDefault("self-test-task", java.util.Set.of()).contains(p.pid()));
            assertThat(Procs.alive(p.pid())).isTrue();
            List<Procs.Proc> killed = Procs.killAllUnder(root, Duration.ofSeconds(10));
            assertThat(killed).extracting(Procs.Proc::pid).contains(p.pid());
            await().atMost(Duration.ofSeconds(10)).until(() -> !Procs.alive(p.pid()));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void cgroupLimitParsing() {
        assertThat(Cgroups.memoryLimit("0::/\n")).isEmpty();
        assertThat(Cgroups.memoryLimit("4:memory:/\n1:cpu:/x\n")).isEmpty();
        // a cgroup that cannot exist has no readable limit
        assertThat(Cgroups.memoryLimit("4:memory:/no/such/cgroup-" + System.nanoTime() + "\n")).isEmpty();
    }

    @Test
    void tasksCarveResourcesAndPortsFromAnOffer() {
        Offer offer = Offer.newBuilder()
                .setId(OfferID.newBuilder().setValue("o1"))
                .setFrameworkId(FrameworkID.newBuilder().setValue("f"))
                .setAgentId(AgentID.newBuilder().setValue("a"))
                .setHostname("127.0.0.1")
                .addResources(scalar("cpus", 1))
                .addResources(scalar("mem", 100))
                .addResources(Resource.newBuilder().setName("ports").setType(Value.Type.RANGES)
                        .setRanges(Value.Ranges.newBuilder()
                                .addRange(Value.Range.newBuilder().setBegin(31000).setEnd(31001))
                                .addRange(Value.Range.newBuilder().setBegin(31005).setEnd(31005))))
                .build();
        Tasks t = new Tasks(offer);
        TaskInfo a = t.command("a", 0.5, 32, 2, "true");
        TaskInfo b = t.command("b", 0.5, 32, 1, "true");
        assertThat(Tasks.port0(a)).isEqualTo(31000);
        assertThat(Tasks.port0(b)).isEqualTo(31005);
        assertThat(t.fits(0.1, 1, 0)).isFalse();
        assertThat(a.getAgentId().getValue()).isEqualTo("a");
        assertThat(Tasks.portCount(offer)).isEqualTo(3);
    }

    private static Resource scalar(String name, double v) {
        return Resource.newBuilder().setName(name).setType(Value.Type.SCALAR)
                .setScalar(Value.Scalar.newBuilder().setValue(v)).build();
    }

    /** A stand-in endpoint speaking the documented wire format, to test the client's reading and acking. */
    @ParameterizedTest
    @EnumSource(Encoding.class)
    void v1SchedulerReadsRecordIoAndAcknowledgesUpdates(Encoding encoding) throws Exception {
        List<Call> calls = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/api/v1/scheduler", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            Call call = encoding == Encoding.PROTOBUF ? Call.parseFrom(body)
                    : ProtoJson.parse(new String(body, StandardCharsets.UTF_8), Call.newBuilder()).build();
            calls.add(call);
            if (call.getType() != Call.Type.SUBSCRIBE) {
                assertThat(ex.getRequestHeaders().getFirst("Mesos-Stream-Id")).isEqualTo("stream-1");
                ex.sendResponseHeaders(202, -1);
                ex.close();
                return;
            }
            ex.getResponseHeaders().add("Mesos-Stream-Id", "stream-1");
            ex.getResponseHeaders().add("Content-Type", encoding.mediaType);
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            for (Event e : List.of(
                    Event.newBuilder().setType(Event.Type.SUBSCRIBED).setSubscribed(Event.Subscribed.newBuilder()
                            .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1")).setHeartbeatIntervalSeconds(15))
                            .build(),
                    Event.newBuilder().setType(Event.Type.UPDATE).setUpdate(Event.Update.newBuilder()
                            .setStatus(TaskStatus.newBuilder().setTaskId(TaskID.newBuilder().setValue("t1"))
                                    .setState(TaskState.TASK_RUNNING)
                                    .setAgentId(AgentID.newBuilder().setValue("a1"))
                                    .setUuid(com.google.protobuf.ByteString.copyFrom(new byte[16])))).build())) {
                byte[] rec = encoding == Encoding.PROTOBUF ? e.toByteArray()
                        : ProtoJson.print(e).getBytes(StandardCharsets.UTF_8);
                out.write(RecordIO.frame(rec));
                out.flush();
            }
            // keep the stream open until the client goes away
            try {
                Thread.sleep(Duration.ofSeconds(30));
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        server.start();
        try (V1Scheduler s = new V1Scheduler(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                encoding, null)) {
            Event.Subscribed sub = s.subscribeAndAwait(V1Scheduler.framework("self-test").build());
            assertThat(sub.getFrameworkId().getValue()).isEqualTo("fw-1");
            assertThat(s.streamId()).isEqualTo("stream-1");
            s.awaitState("t1", Duration.ofSeconds(10), TaskState.TASK_RUNNING);
            await().atMost(Duration.ofSeconds(10)).until(() -> s.acknowledged().contains("t1/TASK_RUNNING"));
            Call ack = calls.stream().filter(c -> c.getType() == Call.Type.ACKNOWLEDGE).findFirst().orElseThrow();
            assertThat(ack.getFrameworkId().getValue()).isEqualTo("fw-1");
            assertThat(ack.getAcknowledge().getTaskId().getValue()).isEqualTo("t1");
            assertThat(ack.getAcknowledge().getUuid().size()).isEqualTo(16);
            s.reconcile(Map.of());
            s.assertNoCallFailures();
        } finally {
            server.stop(0);
        }
    }
}
