package io.strata.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Feeds random and mutated packets to the handler: it must never throw, answer at most once, never answer a
 * response, and whatever it sends must parse as a DNS response with the query's id.
 */
class QueryHandlerFuzzTest {
    private final AtomicInteger answered = new AtomicInteger();
    private final QueryHandler handler = new QueryHandler(QueryHandlerTest::zone, null,
            new QueryHandler.Options(true, true, false, 10), DnsMetrics.noop(), Runnable::run);

    private void check(byte[] packet, int length) {
        List<byte[]> replies = new ArrayList<>();
        handler.handle(packet, length, QueryHandler.Transport.UDP, replies::add);
        assertThat(replies.size()).isLessThanOrEqualTo(1);
        if (length >= 12 && (packet[2] & 0x80) != 0) assertThat(replies).as("never answer a response").isEmpty();
        if (length < 12) assertThat(replies).isEmpty();
        for (byte[] r : replies) {
            answered.incrementAndGet();
            assertThat(r.length).isBetween(12, QueryHandler.MAX_UDP);
            assertThat(r[0]).isEqualTo(packet[0]);
            assertThat(r[1]).isEqualTo(packet[1]);
            assertThat(r[2] & 0x80).as("QR").isNotZero();
            try {
                new Message(r);
            } catch (Exception e) {
                throw new AssertionError("unparseable answer to " + java.util.HexFormat.of().formatHex(packet, 0, length), e);
            }
        }
    }

    @Test
    void randomBytes() {
        Random random = new Random(1);
        for (int i = 0; i < 100_000; i++) {
            byte[] p = new byte[random.nextInt(600)];
            random.nextBytes(p);
            if (random.nextBoolean() && p.length > 2) p[2] &= 0x7f; // mostly "queries", to get past the first check
            check(p, p.length);
        }
    }

    @Test
    void mutatedQueries() throws Exception {
        Random random = new Random(2);
        List<byte[]> seeds = new ArrayList<>();
        for (String n : new String[] {"web.marathon.mesos.", "_web._tcp.marathon.mesos.", "big.marathon.mesos.", "mesos.", "example.com."}) {
            for (int t : new int[] {Type.A, Type.AAAA, Type.SRV, Type.SOA, Type.NS, Type.ANY, Type.TXT}) {
                Message m = Message.newQuery(Record.newRecord(Name.fromString(n), t, DClass.IN));
                seeds.add(m.toWire());
                m.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
                seeds.add(m.toWire());
            }
        }
        for (int i = 0; i < 100_000; i++) {
            byte[] p = seeds.get(random.nextInt(seeds.size())).clone();
            int mutations = 1 + random.nextInt(4);
            for (int k = 0; k < mutations; k++) {
                switch (random.nextInt(4)) {
                    case 0 -> p[random.nextInt(p.length)] = (byte) random.nextInt(256);
                    case 1 -> p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
                    case 2 -> p = java.util.Arrays.copyOf(p, Math.max(0, p.length - 1 - random.nextInt(Math.max(1, p.length / 2))));
                    default -> {
                        byte[] longer = java.util.Arrays.copyOf(p, p.length + 1 + random.nextInt(40));
                        for (int j = p.length; j < longer.length; j++) longer[j] = (byte) random.nextInt(256);
                        p = longer;
                    }
                }
                if (p.length == 0) break;
            }
            check(p, p.length);
        }
        assertThat(answered.get()).isGreaterThan(50_000);
    }
}
