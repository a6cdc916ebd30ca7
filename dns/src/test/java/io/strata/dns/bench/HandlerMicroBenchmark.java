package io.strata.dns.bench;

import io.strata.dns.records.Rr;
import io.strata.dns.records.Zone;
import io.strata.dns.server.DnsMetrics;
import io.strata.dns.server.QueryHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * Cost of one {@link QueryHandler#handle} call, without sockets: a found A, an SRV with glue, an NXDOMAIN, an
 * answer that must be cut to 512 bytes, and random garbage. Run:
 * {@code java -cp dns/target/classes:dns/target/test-classes:$(cat cp.txt) io.strata.dns.bench.HandlerMicroBenchmark}
 */
public final class HandlerMicroBenchmark {
    public static void main(String[] args) throws Exception {
        Zone.Settings settings = Zone.Settings.of("mesos", 60, 1, "ns1.mesos", "root.ns1.mesos", 60, 600, 86400, 60);
        List<Rr> rrs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rrs.add(Rr.a("app" + i + ".marathon.mesos.", "10.0." + (i / 250) + "." + (i % 250)));
            rrs.add(Rr.srv("_app" + i + "._tcp.marathon.mesos.", "app" + i + "-abcde-s0.marathon.slave.mesos.", 31000 + i % 1000));
            rrs.add(Rr.a("app" + i + "-abcde-s0.marathon.slave.mesos.", "10.0." + (i / 250) + "." + (i % 250)));
        }
        for (int i = 0; i < 300; i++) rrs.add(Rr.a("big.marathon.mesos.", "10.9." + (i / 250) + "." + (i % 250)));
        Zone zone = Zone.of(settings, rrs, 1).markSynced();
        QueryHandler h = new QueryHandler(() -> zone, null, new QueryHandler.Options(true, true, false, 10), DnsMetrics.noop(), Runnable::run);
        run("A found", h, q("app42.marathon.mesos.", Type.A));
        run("SRV + glue", h, q("_app42._tcp.marathon.mesos.", Type.SRV));
        run("NXDOMAIN", h, q("nope.marathon.mesos.", Type.A));
        run("A x300 cut to 512", h, q("big.marathon.mesos.", Type.A));
        Random random = new Random(1);
        byte[][] garbage = new byte[1024][];
        for (int i = 0; i < garbage.length; i++) {
            garbage[i] = new byte[12 + random.nextInt(100)];
            random.nextBytes(garbage[i]);
            garbage[i][2] &= 0x7f;
        }
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int n = 200_000;
            for (int i = 0; i < n; i++) {
                byte[] g = garbage[i & 1023];
                h.handle(g, g.length, QueryHandler.Transport.UDP, w -> { });
            }
            System.out.printf("%-20s %8.0f ns/query%n", "random garbage", (System.nanoTime() - t0) / (double) n);
        }
    }

    static byte[] q(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
    }

    static void run(String what, QueryHandler h, byte[] packet) {
        int[] sink = new int[1];
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            int n = 300_000;
            for (int i = 0; i < n; i++) h.handle(packet, packet.length, QueryHandler.Transport.UDP, w -> sink[0] += w.length);
            if (round == 2) System.out.printf("%-20s %8.0f ns/query%n", what, (System.nanoTime() - t0) / (double) n);
        }
    }
}
