package io.strata.dns.bench;

import io.strata.dns.DnsConfig;
import io.strata.dns.DnsServer;
import io.strata.dns.support.FakeMaster;
import io.strata.dns.support.Tasks;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;

/**
 * Queries per second for A and SRV names of 10,000 running tasks, measured with dnsperf against Strata and, in
 * the same run, against dnsmasq and unbound serving the very same records from generated files. Everything on
 * 127.0.0.1 (the task and agent addresses in the records are 127.x loopback addresses too).
 *
 * <pre>
 *   dns/bench.sh QpsBenchmark [tasks=10000] [seconds=10] [clients=4] [rounds=3]
 * </pre>
 */
public final class QpsBenchmark {
    public static void main(String[] args) throws Exception {
        int taskCount = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        Path work = Files.createTempDirectory("strata-dns-bench");
        System.out.printf("tasks=%d seconds=%d dnsperf_clients=%d rounds=%d cpus=%d java=%s work=%s%n", taskCount, seconds, clients,
                rounds, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), work);

        try (FakeMaster master = new FakeMaster()) {
            List<Task> tasks = new ArrayList<>();
            int agents = 100;
            for (int a = 0; a < agents; a++) master.addAgent("bench-S" + a, "127.1." + (a / 250) + "." + (a % 250 + 1), 5051);
            master.addFramework("fw-bench", "marathon", "127.0.0.1");
            for (int i = 0; i < taskCount; i++) {
                Task.Builder t = Tasks.withPorts(Tasks.task("fw-bench", "bench-S" + (i % agents), "app-" + i + ".id", "app-" + i,
                        TaskState.TASK_STAGING), 31000 + i % 1000, 31000 + i % 1000);
                tasks.add(Tasks.running(t, 1.0, "127.2." + (i / 250) + "." + (i % 250 + 1)).build());
            }
            master.addTasksQuietly(tasks);

            long t0 = System.nanoTime();
            DnsServer dns = DnsServer.start(DnsConfig.defaults().withPort(0).withHttpPort(0).withMasters(List.of(master.hostPort()))
                    .withRefreshSeconds(3600).withResolvers(List.of("127.0.0.1:9")));
            int expected = taskCount * 8; // 4 A and 4 SRV per task with one port
            while (dns.zone().size() < expected) TimeUnit.MILLISECONDS.sleep(5);
            System.out.printf("strata: %d records for %d tasks served %.0f ms after start (SUBSCRIBED snapshot)%n",
                    dns.zone().size(), taskCount, (System.nanoTime() - t0) / 1e6);

            Path aQueries = work.resolve("a.txt");
            Path srvQueries = work.resolve("srv.txt");
            List<String> a = new ArrayList<>();
            List<String> srv = new ArrayList<>();
            for (int i = 0; i < taskCount; i++) {
                a.add("app-" + i + ".marathon.mesos A");
                srv.add("_app-" + i + "._tcp.marathon.mesos SRV");
            }
            Collections.shuffle(a, new Random(1));
            Collections.shuffle(srv, new Random(2));
            Files.write(aQueries, a);
            Files.write(srvQueries, srv);

            int dnsmasqPort = freePort();
            int unboundPort = freePort();
            writeZoneFiles(dns, work);
            List<Process> others = new ArrayList<>();
            try {
                others.add(start(work, "dnsmasq.log", "dnsmasq", "--no-daemon", "--conf-file=" + work.resolve("dnsmasq.conf"),
                        "--port=" + dnsmasqPort));
                Files.writeString(work.resolve("unbound.conf"), Files.readString(work.resolve("unbound.conf"))
                        .replace("@PORT@", Integer.toString(unboundPort)).replace("@DIR@", work.toString()));
                others.add(start(work, "unbound.log", "unbound", "-d", "-c", work.resolve("unbound.conf").toString()));
                waitForAnswer(dnsmasqPort);
                waitForAnswer(unboundPort);
                System.out.println("sample answers (dig +short app-42.marathon.mesos A / _app-42._tcp.marathon.mesos SRV):");
                for (int[] p : new int[][] {{dns.udpPort()}, {dnsmasqPort}, {unboundPort}}) {
                    System.out.printf("  port %-6d %s | %s%n", p[0], dig(p[0], "app-42.marathon.mesos", "A"), dig(p[0], "_app-42._tcp.marathon.mesos", "SRV"));
                }
                System.out.println();
                String[][] servers = {{"strata", Integer.toString(dns.udpPort())}, {"dnsmasq", Integer.toString(dnsmasqPort)},
                        {"unbound", Integer.toString(unboundPort)}};
                Path[] files = {aQueries, srvQueries};
                // rounds interleave the servers, so a busy neighbour on the machine weighs on all of them alike
                double[][][] qps = new double[servers.length][files.length][rounds];
                double[][][] latency = new double[servers.length][files.length][rounds];
                long[][] lost = new long[servers.length][files.length];
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < servers.length; i++) {
                        for (int f = 0; f < files.length; f++) {
                            int port = Integer.parseInt(servers[i][1]);
                            if (r == 0) dnsperf(port, files[f], 5, clients); // warm-up (JIT, caches)
                            String out = dnsperf(port, files[f], seconds, clients);
                            qps[i][f][r] = Double.parseDouble(find(out, "Queries per second:\\s+([0-9.]+)"));
                            latency[i][f][r] = Double.parseDouble(find(out, "Average Latency \\(s\\):\\s+([0-9.]+)")) * 1000;
                            lost[i][f] += Long.parseLong(find(out, "Queries lost:\\s+(\\d+)"));
                        }
                    }
                }
                System.out.printf("%-9s %-4s %14s %16s %8s   %s%n", "server", "type", "queries/s", "avg latency", "lost", "all rounds (q/s)");
                for (int i = 0; i < servers.length; i++) {
                    for (int f = 0; f < files.length; f++) {
                        StringBuilder all = new StringBuilder();
                        for (double q : qps[i][f]) all.append(String.format(Locale.ROOT, "%.0f ", q));
                        System.out.printf(Locale.ROOT, "%-9s %-4s %14.0f %13.3f ms %8d   %s%n", servers[i][0], f == 0 ? "A" : "SRV",
                                median(qps[i][f]), median(latency[i][f]), lost[i][f], all.toString().strip());
                    }
                }
                System.out.printf("%ncommand: dnsperf -s 127.0.0.1 -p <port> -d <queries> -l %d -c %d -q 100; median of %d rounds "
                        + "(servers interleaved), after a 5 s warm-up each%n", seconds, clients, rounds);
            } finally {
                for (Process p : others) {
                    p.destroy();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
                dns.close();
            }
        }
        try (var paths = Files.walk(work)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** dnsmasq and unbound configurations holding exactly the records Strata serves. */
    static void writeZoneFiles(DnsServer dns, Path work) throws IOException {
        StringBuilder dnsmasq = new StringBuilder();
        // addresses from a hosts file, which dnsmasq hashes (host-record lines are searched one by one); SRV can
        // only be srv-host lines
        dnsmasq.append("no-resolv\nno-hosts\nlisten-address=127.0.0.1\nbind-interfaces\nlocal=/mesos/\nlog-facility=-\n")
                .append("addn-hosts=").append(work.resolve("dnsmasq.hosts")).append('\n');
        StringBuilder hosts = new StringBuilder();
        StringBuilder unbound = new StringBuilder();
        unbound.append("server:\n  interface: 127.0.0.1\n  port: @PORT@\n  do-daemonize: no\n  username: \"\"\n  chroot: \"\"\n")
                .append("  directory: \"@DIR@\"\n  pidfile: \"\"\n  use-syslog: no\n  logfile: \"\"\n  verbosity: 0\n")
                .append("  num-threads: ").append(Math.max(1, Runtime.getRuntime().availableProcessors())).append("\n")
                .append("  so-reuseport: yes\n  do-ip6: no\n  module-config: \"iterator\"\n  access-control: 127.0.0.0/8 allow\n")
                .append("  local-zone: \"mesos.\" static\n");
        dns.zone().forEach((name, node) -> {
            String n = name.toString();
            String bare = n.substring(0, n.length() - 1);
            for (Record r : node.all()) {
                unbound.append("  local-data: \"").append(n).append(' ').append(r.getTTL()).append(" IN ")
                        .append(org.xbill.DNS.Type.string(r.getType())).append(' ').append(r.rdataToString()).append("\"\n");
                switch (r) {
                    case ARecord x -> hosts.append(x.getAddress().getHostAddress()).append(' ').append(bare).append('\n');
                    case AAAARecord x -> hosts.append(x.getAddress().getHostAddress()).append(' ').append(bare).append('\n');
                    case SRVRecord x -> {
                        String target = x.getTarget().toString();
                        dnsmasq.append("srv-host=").append(bare).append(',').append(target, 0, target.length() - 1).append(',')
                                .append(x.getPort()).append(',').append(x.getPriority()).append(',').append(x.getWeight()).append('\n');
                    }
                    default -> { }
                }
            }
        });
        unbound.append("remote-control:\n  control-enable: no\n");
        Files.writeString(work.resolve("dnsmasq.conf"), dnsmasq);
        Files.writeString(work.resolve("dnsmasq.hosts"), hosts);
        Files.writeString(work.resolve("unbound.conf"), unbound);
    }

    static Process start(Path work, String log, String... cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(work.resolve(log).toFile()).start();
    }

    static int freePort() throws IOException {
        for (int i = 0; i < 50; i++) {
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                int port = u.getLocalPort();
                try (ServerSocket t = new ServerSocket()) {
                    t.bind(new InetSocketAddress("127.0.0.1", port));
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            }
        }
        throw new IOException("no free port");
    }

    static void waitForAnswer(int port) throws Exception {
        for (int i = 0; i < 600; i++) {
            if (!dig(port, "app-1.marathon.mesos", "A").isEmpty()) return;
            TimeUnit.MILLISECONDS.sleep(100);
        }
        throw new IllegalStateException("no answer on port " + port);
    }

    static String dig(int port, String name, String type) throws Exception {
        Process p = new ProcessBuilder("dig", "@127.0.0.1", "-p", Integer.toString(port), "+short", "+time=1", "+tries=1", name, type)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().replace('\n', ' ');
        p.waitFor();
        return out.startsWith(";") ? "" : out;
    }

    static String dnsperf(int port, Path queries, int seconds, int clients) throws Exception {
        Process p = new ProcessBuilder("dnsperf", "-s", "127.0.0.1", "-p", Integer.toString(port), "-d", queries.toString(),
                "-l", Integer.toString(seconds), "-c", Integer.toString(clients), "-q", "100").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        java.util.Arrays.sort(v);
        return v[v.length / 2];
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) throw new IllegalStateException("no " + regex + " in:\n" + text);
        return m.group(1);
    }
}
