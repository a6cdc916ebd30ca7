package io.strata.dns.bench;

import io.strata.agent.AgentConfig;
import io.strata.agent.AgentServer;
import io.strata.common.zk.EmbeddedZooKeeper;
import io.strata.dns.DnsConfig;
import io.strata.dns.DnsServer;
import io.strata.dns.support.FakeMaster;
import io.strata.dns.support.Tasks;
import io.strata.dns.support.TinyScheduler;
import io.strata.master.MasterConfig;
import io.strata.master.MasterServer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.Value;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * How long after a task is RUNNING its A record answers.
 * <ol>
 *   <li>A real cluster in this JVM (ZooKeeper, master, agent running {@code sleep}, a v1 scheduler): tasks are
 *       launched one at a time while a client asks for the name every 200 µs; the time of the first answer is
 *       compared with the agent's TASK_RUNNING timestamp and with the scheduler receiving that update.</li>
 *   <li>The same with 10,000 tasks already running (a stand-in master, as the agent would need 10,000 processes):
 *       from the master publishing TASK_UPDATED RUNNING to the first answer.</li>
 * </ol>
 * <pre>dns/bench.sh RunningToAnswerBenchmark [tasks=30] [background=10000]</pre>
 */
public final class RunningToAnswerBenchmark {
    public static void main(String[] args) throws Exception {
        int samples = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        int background = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        System.out.printf("cpus=%d java=%s%n", Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        try {
            realCluster(samples);
            atScale(Math.max(samples, 100), background);
        } finally {
            System.exit(0); // ZooKeeper and Jetty leave non-daemon threads behind
        }
    }

    static void realCluster(int samples) throws Exception {
        Path dir = Files.createTempDirectory("strata-dns-latency");
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start("127.0.0.1", 0, dir.resolve("zk"));
        String zkUrl = "zk://" + zk.connectString() + "/strata";
        MasterServer master = MasterServer.start(MasterConfig.defaults(zkUrl, dir.resolve("master")).withPort(0));
        while (!master.isLeading()) TimeUnit.MILLISECONDS.sleep(10);
        AgentServer agent = AgentServer.start(new AgentConfig(zkUrl, "127.0.0.1", 0, "127.0.0.1", dir.resolve("agent"),
                "cpus:16;mem:16384;disk:1024;ports:[31000-32000]", null, false, true, null, 1000));
        while (!agent.registered()) TimeUnit.MILLISECONDS.sleep(10);
        DnsServer dns = DnsServer.start(DnsConfig.defaults().withZk(zkUrl).withPort(0).withHttpPort(0).withResolvers(List.of("127.0.0.1:9")));
        while (!dns.streaming()) TimeUnit.MILLISECONDS.sleep(10);
        TinyScheduler scheduler = new TinyScheduler("127.0.0.1:" + master.port());
        scheduler.subscribe("marathon");
        List<Double> fromAgent = new ArrayList<>();
        List<Double> fromScheduler = new ArrayList<>();
        try (Poller poller = new Poller(dns.udpPort())) {
            for (int i = 0; i < samples + 3; i++) {
                while (scheduler.offers().isEmpty()) TimeUnit.MILLISECONDS.sleep(5);
                Offer offer = scheduler.offers().get(0);
                String id = "lat-" + i;
                TaskInfo task = TaskInfo.newBuilder().setName("lat-" + i).setTaskId(TaskID.newBuilder().setValue(id))
                        .setAgentId(offer.getAgentId()).setCommand(CommandInfo.newBuilder().setValue("sleep 600"))
                        .addResources(scalar(offer, "cpus", 0.01)).addResources(scalar(offer, "mem", 8)).build();
                scheduler.launch(offer, task);
                long answeredNanos = poller.until("lat-" + i + ".marathon.mesos.", 20_000);
                long answeredWallMicros = wallMicros(answeredNanos);
                TinyScheduler.Update running = null;
                for (int w = 0; w < 2000 && (running = scheduler.update(id, TaskState.TASK_RUNNING)) == null; w++) TimeUnit.MILLISECONDS.sleep(5);
                if (running == null || i < 3) continue; // the first ones warm the JIT up
                fromAgent.add((answeredWallMicros - running.status().getTimestamp() * 1e6) / 1000.0);
                fromScheduler.add((answeredNanos - running.receivedNanos()) / 1e6);
            }
        } finally {
            scheduler.close();
            dns.close();
            agent.close();
            master.close();
            zk.close();
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println("\nreal cluster (ZooKeeper, master, agent, v1 scheduler; sleep tasks launched one at a time):");
        print("agent's TASK_RUNNING -> A answers", fromAgent);
        print("scheduler gets RUNNING -> A answers", fromScheduler);
    }

    static void atScale(int samples, int background) throws Exception {
        try (FakeMaster master = new FakeMaster()) {
            master.addAgent("bench-S0", "127.1.0.1", 5051);
            master.addFramework("fw", "marathon", "127.0.0.1");
            List<Task> tasks = new ArrayList<>();
            for (int i = 0; i < background; i++) {
                tasks.add(Tasks.running(Tasks.withPorts(Tasks.task("fw", "bench-S0", "bg-" + i, "bg-" + i, TaskState.TASK_STAGING),
                        31000 + i % 1000, 31000 + i % 1000), 1.0, "127.2." + (i / 250) + "." + (i % 250 + 1)).build());
            }
            master.addTasksQuietly(tasks);
            DnsServer dns = DnsServer.start(DnsConfig.defaults().withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort()))
                    .withRefreshSeconds(3600).withResolvers(List.of("127.0.0.1:9")));
            long t0 = System.nanoTime();
            while (dns.zone().size() < background * 8L) TimeUnit.MILLISECONDS.sleep(5);
            double syncMs = (System.nanoTime() - t0) / 1e6;
            List<Double> lat = new ArrayList<>();
            List<Double> applied = java.util.Collections.synchronizedList(new ArrayList<>());
            dns.mirror().addListener((zone, oldest, changes) -> applied.add((System.nanoTime() - oldest) / 1e6));
            try (Poller poller = new Poller(dns.udpPort())) {
                for (int i = 0; i < samples + 10; i++) {
                    String id = "new-" + i;
                    master.addTask(Tasks.withPorts(Tasks.task("fw", "bench-S0", id, id, TaskState.TASK_STAGING), 32000, 32000).build());
                    TimeUnit.MILLISECONDS.sleep(20); // let TASK_ADDED through first, as in a real launch
                    long start = System.nanoTime();
                    master.update(id, TaskState.TASK_RUNNING, "127.3.0." + (i % 250 + 1));
                    long answered = poller.until(id + ".marathon.mesos.", 10_000);
                    if (i >= 10) lat.add((answered - start) / 1e6);
                }
            } finally {
                dns.close();
            }
            System.out.printf("%nwith %d tasks already running (stand-in master; SUBSCRIBED snapshot served %.0f ms after start):%n",
                    background, syncMs);
            print("master publishes RUNNING -> A answers", lat);
            print("of which: event read -> records served", applied.subList(Math.max(0, applied.size() - samples), applied.size()));
        }
    }

    static Resource scalar(Offer offer, String name, double value) {
        Resource r = offer.getResourcesList().stream().filter(x -> x.getName().equals(name)).findFirst().orElseThrow();
        return r.toBuilder().setScalar(Value.Scalar.newBuilder().setValue(value)).build();
    }

    private static final long NANO_OFFSET_MICROS = System.currentTimeMillis() * 1000 - System.nanoTime() / 1000;

    static long wallMicros(long nanos) {
        return NANO_OFFSET_MICROS + nanos / 1000;
    }

    static void print(String what, List<Double> ms) {
        if (ms.isEmpty()) {
            System.out.printf("  %-40s no samples%n", what);
            return;
        }
        List<Double> s = new ArrayList<>(ms);
        Collections.sort(s);
        System.out.printf(Locale.ROOT, "  %-40s n=%d  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms%n", what, s.size(),
                s.get(s.size() / 2), s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.9) - 1)),
                s.get((int) Math.min(s.size() - 1, Math.ceil(s.size() * 0.99) - 1)), s.get(s.size() - 1));
    }

    /** Asks for a name over UDP every 200 µs until it has an A record. */
    static final class Poller implements AutoCloseable {
        private final DatagramChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(4096);

        Poller(int port) throws Exception {
            channel = DatagramChannel.open();
            channel.bind(new InetSocketAddress("127.0.0.1", 0));
            channel.connect(new InetSocketAddress("127.0.0.1", port));
            channel.configureBlocking(false);
        }

        /** The nanoTime of the first answer with an A record. */
        long until(String name, long timeoutMillis) throws Exception {
            Name qname = Name.fromString(name);
            byte[] q = Message.newQuery(Record.newRecord(qname, Type.A, DClass.IN)).toWire();
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (System.nanoTime() < deadline) {
                channel.write(ByteBuffer.wrap(q));
                long waitUntil = System.nanoTime() + 200_000;
                while (System.nanoTime() < waitUntil) {
                    in.clear();
                    if (channel.read(in) > 0) {
                        long now = System.nanoTime();
                        Message m = new Message(java.util.Arrays.copyOf(in.array(), in.position()));
                        if (qname.equals(m.getQuestion().getName()) && !m.getSection(Section.ANSWER).isEmpty()) return now;
                    }
                    LockSupport.parkNanos(20_000);
                }
            }
            throw new IllegalStateException(name + " never answered");
        }

        @Override
        public void close() throws java.io.IOException {
            channel.close();
        }
    }
}
