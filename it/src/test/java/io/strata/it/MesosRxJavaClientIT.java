package io.strata.it;

import static io.strata.it.support.ItEnv.EVENT;
import static io.strata.it.support.ItEnv.STARTUP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.mesosphere.mesos.rx.java.AwaitableSubscription;
import com.mesosphere.mesos.rx.java.MesosClient;
import com.mesosphere.mesos.rx.java.SinkOperation;
import com.mesosphere.mesos.rx.java.SinkOperations;
import com.mesosphere.mesos.rx.java.protobuf.ProtobufMesosClientBuilder;
import com.mesosphere.mesos.rx.java.protobuf.SchedulerCalls;
import com.mesosphere.mesos.rx.java.util.UserAgentEntries;
import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Http;
import io.strata.it.support.Tasks;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Offer.Operation;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import rx.Observable;
import rx.subjects.PublishSubject;
import rx.subjects.Subject;

/**
 * A real third-party v1 scheduler client, Mesosphere's mesos-rxjava (RxJava 1 + RxNetty, protobuf codec), drives
 * a framework's whole life against two masters and one agent: SUBSCRIBE, SUBSCRIBED and OFFERS, ACCEPT with a
 * LAUNCH of a {@code sleep} task, TASK_STARTING and TASK_RUNNING acknowledged through the library's sink, KILL
 * and TASK_KILLED, TEARDOWN and the end of the event stream. Every call the library sinks must be accepted (its
 * sink reports 202 as completion and anything else as an error). The client is pointed at the standby of two
 * masters, so it also finds the leader the way it does in production: GET /redirect and its 307. Run once per
 * path Mesos serves the API at ({@code /api/v1/scheduler}, {@code /master/api/v1/scheduler}).
 */
@ExtendWith(DumpLogsOnFailure.class)
class MesosRxJavaClientIT {
    private static final String TASK = "rx-sleeper";

    private static Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("MesosRxJavaClientIT").masters(2).agent(Cluster.AgentSpec.standard()).start();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    /** Both paths Mesos serves the scheduler API at; the library then probes /redirect or /master/redirect. */
    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/scheduler", "/master/api/v1/scheduler"})
    void mesosRxJavaSchedulerLaunchesKillsAndTearsDown(String apiPath) throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        List<Offer> offers = new CopyOnWriteArrayList<>();
        AtomicReference<FrameworkID> frameworkId = new AtomicReference<>();
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();   // "task/STATE" whose ACKNOWLEDGE got 202
        List<String> sinkFailures = new CopyOnWriteArrayList<>();
        Subject<Optional<SinkOperation<Call>>, Optional<SinkOperation<Call>>> calls =
                PublishSubject.<Optional<SinkOperation<Call>>>create().toSerialized();

        Call subscribe = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(
                        org.apache.mesos.v1.Protos.FrameworkInfo.newBuilder()
                                .setUser("root")
                                .setName("it-mesos-rxjava")
                                .setFailoverTimeout(0)))
                .build();

        // the client is given the standby master: it probes GET /redirect there and follows the 307 to the leader
        int leader = cluster.awaitLeader(STARTUP);
        int standby = 1 - leader;
        String leaderAddress = "//127.0.0.1:" + cluster.masterPort(leader);
        await("the standby knows the leader").atMost(STARTUP).until(() -> {
            Http.Resp r = Http.tryGet(cluster.masterUri(standby).resolve("/redirect"));
            return r != null && r.status() == 307 && leaderAddress.equals(r.header("Location").orElse(null));
        });
        URI api = cluster.masterUri(standby).resolve(apiPath);
        MesosClient<Call, Event> client = ProtobufMesosClientBuilder.schedulerUsingProtos()
                .mesosUri(api)
                .applicationUserAgentEntry(UserAgentEntries.literal("strata-it", "0.1"))
                .subscribe(subscribe)
                .processStream(stream -> {
                    Observable<Optional<SinkOperation<Call>>> acks = stream
                            .doOnNext(e -> {
                                events.add(e);
                                if (e.getType() == Event.Type.SUBSCRIBED) {
                                    frameworkId.set(e.getSubscribed().getFrameworkId());
                                } else if (e.getType() == Event.Type.OFFERS) {
                                    offers.addAll(e.getOffers().getOffersList());
                                }
                            })
                            // our calls end with the event stream, so the library's subscription can complete
                            .doOnTerminate(calls::onCompleted)
                            .filter(e -> e.getType() == Event.Type.UPDATE && e.getUpdate().getStatus().hasUuid())
                            .map(e -> {
                                TaskStatus s = e.getUpdate().getStatus();
                                String key = s.getTaskId().getValue() + "/" + s.getState();
                                return Optional.of(SinkOperations.create(
                                        SchedulerCalls.ackUpdate(frameworkId.get(), s.getUuid(), s.getAgentId(),
                                                s.getTaskId()),
                                        () -> acknowledged.add(key),
                                        t -> sinkFailures.add("ACKNOWLEDGE " + key + ": " + t)));
                            });
                    return acks.mergeWith(calls);
                })
                .build();

        AwaitableSubscription subscription = client.openStream();
        CompletableFuture<Throwable> streamEnd = CompletableFuture.supplyAsync(() -> {
            try {
                subscription.await();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        try {
            // SUBSCRIBED first, then offers for our one agent
            await("SUBSCRIBED").atMost(EVENT).until(() -> frameworkId.get() != null);
            assertThat(events.get(0).getType()).as("first event").isEqualTo(Event.Type.SUBSCRIBED);
            assertThat(frameworkId.get().getValue()).isNotBlank();
            assertThat(events.get(0).getSubscribed().getHeartbeatIntervalSeconds()).isPositive();
            await("OFFERS").atMost(EVENT).until(() -> !offers.isEmpty());
            Offer offer = offers.get(0);
            assertThat(offer.getFrameworkId()).isEqualTo(frameworkId.get());
            assertThat(offer.getAgentId().getValue()).isEqualTo(cluster.agentId(0));

            // ACCEPT with a LAUNCH of a sleep command task
            TaskInfo task = new Tasks(offer).command(TASK, 0.1, 32, 0, "exec sleep 1000");
            CompletableFuture<Void> accepted = new CompletableFuture<>();
            calls.onNext(Optional.of(SinkOperations.create(Call.newBuilder()
                    .setType(Call.Type.ACCEPT).setFrameworkId(frameworkId.get())
                    .setAccept(Call.Accept.newBuilder().addOfferIds(offer.getId())
                            .addOperations(Operation.newBuilder().setType(Operation.Type.LAUNCH)
                                    .setLaunch(Operation.Launch.newBuilder().addTaskInfos(task))))
                    .build(), () -> accepted.complete(null), accepted::completeExceptionally)));
            accepted.get(EVENT.toSeconds(), TimeUnit.SECONDS);

            await("TASK_STARTING and TASK_RUNNING, acknowledged").atMost(EVENT).until(() ->
                    acknowledged.containsAll(Set.of(TASK + "/TASK_STARTING", TASK + "/TASK_RUNNING")));
            assertThat(states()).as("the task after its acknowledgements")
                    .isEqualTo("TASK_RUNNING");

            // KILL, then TASK_KILLED (acknowledged too)
            CompletableFuture<Void> killed = new CompletableFuture<>();
            calls.onNext(Optional.of(SinkOperations.create(Call.newBuilder()
                    .setType(Call.Type.KILL).setFrameworkId(frameworkId.get())
                    .setKill(Call.Kill.newBuilder().setTaskId(TaskID.newBuilder().setValue(TASK))
                            .setAgentId(offer.getAgentId()))
                    .build(), () -> killed.complete(null), killed::completeExceptionally)));
            killed.get(EVENT.toSeconds(), TimeUnit.SECONDS);
            await("TASK_KILLED, acknowledged").atMost(EVENT).until(() ->
                    acknowledged.contains(TASK + "/TASK_KILLED"));
            assertThat(events.stream().filter(e -> e.getType() == Event.Type.UPDATE)
                    .map(e -> e.getUpdate().getStatus().getState().name()).toList())
                    .as("the task's updates in order")
                    .containsSubsequence("TASK_STARTING", "TASK_RUNNING", "TASK_KILLED");

            // TEARDOWN: accepted, the master ends the event stream and the framework is completed
            CompletableFuture<Void> tornDown = new CompletableFuture<>();
            calls.onNext(Optional.of(SinkOperations.create(Call.newBuilder()
                    .setType(Call.Type.TEARDOWN).setFrameworkId(frameworkId.get()).build(),
                    () -> tornDown.complete(null), tornDown::completeExceptionally)));
            tornDown.get(EVENT.toSeconds(), TimeUnit.SECONDS);
            assertThat(streamEnd.get(EVENT.toSeconds(), TimeUnit.SECONDS))
                    .as("the master ends the event stream after TEARDOWN; the library's subscription completes")
                    .isNull();
            await("the framework is completed").atMost(EVENT).until(() ->
                    contains(cluster.state().path("completed_frameworks"), frameworkId.get().getValue()));
            assertThat(contains(cluster.state().path("frameworks"), frameworkId.get().getValue())).isFalse();

            assertThat(sinkFailures).as("calls the library's sink saw rejected").isEmpty();
            assertThat(events).as("no ERROR event")
                    .noneMatch(e -> e.getType() == Event.Type.ERROR);
        } finally {
            subscription.unsubscribe();
        }
    }

    private static String states() {
        for (JsonNode f : cluster.state().path("frameworks")) {
            for (JsonNode t : f.path("tasks")) {
                if (TASK.equals(t.path("id").asText())) return t.path("state").asText();
            }
        }
        return "";
    }

    private static boolean contains(JsonNode frameworks, String id) {
        for (JsonNode f : frameworks) {
            if (id.equals(f.path("id").asText())) return true;
        }
        return false;
    }
}
