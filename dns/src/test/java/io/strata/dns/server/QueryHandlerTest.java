package io.strata.dns.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.dns.records.Rr;
import io.strata.dns.records.Zone;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryHandlerTest {
    static final Zone.Settings SETTINGS = Zone.Settings.of("mesos", 60, 1, "ns1.mesos", "root.ns1.mesos", 60, 600, 86400, 30);

    static Zone zone() {
        List<Rr> rrs = new ArrayList<>();
        rrs.add(Rr.a("ns1.mesos.", "127.0.0.1"));
        rrs.add(Rr.a("web.marathon.mesos.", "10.0.0.1"));
        rrs.add(Rr.a("web.marathon.mesos.", "10.0.0.2"));
        rrs.add(Rr.aaaa("v6.marathon.mesos.", "2001:db8::1"));
        rrs.add(Rr.a("web-abcde-s0.marathon.slave.mesos.", "10.0.0.1"));
        rrs.add(Rr.srv("_web._tcp.marathon.mesos.", "web-abcde-s0.marathon.slave.mesos.", 31000));
        for (int i = 0; i < 200; i++) rrs.add(Rr.a("big.marathon.mesos.", "10.1." + (i / 250) + "." + (i % 250)));
        return Zone.of(SETTINGS, rrs, 7).markSynced();
    }

    final QueryHandler handler = new QueryHandler(QueryHandlerTest::zone, null,
            new QueryHandler.Options(true, true, false, 10), DnsMetrics.noop(), Runnable::run);

    static byte[] query(String name, int type) throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)).toWire();
    }

    static byte[] queryEdns(String name, int type, int payload, int version, boolean dnssecOk) throws Exception {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        m.addRecord(new OPTRecord(payload, 0, version, dnssecOk ? ExtendedFlags.DO : 0), Section.ADDITIONAL);
        return m.toWire();
    }

    byte[] raw(byte[] packet, QueryHandler.Transport t) {
        AtomicReference<byte[]> out = new AtomicReference<>();
        handler.handle(packet, packet.length, t, wire -> assertThat(out.getAndSet(wire)).as("one answer only").isNull());
        return out.get();
    }

    Message ask(byte[] packet, QueryHandler.Transport t) throws Exception {
        byte[] wire = raw(packet, t);
        assertThat(wire).as("an answer").isNotNull();
        return new Message(wire);
    }

    Message udp(String name, int type) throws Exception {
        return ask(query(name, type), QueryHandler.Transport.UDP);
    }

    @Test
    void aRecordsAreAuthoritativeWithRecursionAvailable() throws Exception {
        Message m = udp("WEB.Marathon.mesos.", Type.A);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
        // the owner name keeps the client's spelling (0x20-style case randomisation keeps working)
        assertThat(m.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("WEB.Marathon.mesos.");
        assertThat(m.getSection(Section.ANSWER).get(0).getTTL()).isEqualTo(60);
    }

    @Test
    void srvAnswersCarryTheirTargetsAddresses() throws Exception {
        Message m = udp("_web._tcp.marathon.mesos.", Type.SRV);
        assertThat(m.getSection(Section.ANSWER)).extracting(Record::rdataToString)
                .containsExactly("0 1 31000 web-abcde-s0.marathon.slave.mesos.");
        assertThat(m.getSection(Section.ADDITIONAL)).extracting(Record::toString)
                .containsExactly("web-abcde-s0.marathon.slave.mesos.\t60\tIN\tA\t10.0.0.1");
    }

    @Test
    void nxdomainForNamesThatDoNotExistNodataForOtherTypes() throws Exception {
        Message nx = udp("nothere.marathon.mesos.", Type.A);
        assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(nx.getSection(Section.ANSWER)).isEmpty();
        SOARecord soa = (SOARecord) nx.getSection(Section.AUTHORITY).get(0);
        assertThat(soa.getTTL()).as("negative TTL: min(SOA TTL, minimum)").isEqualTo(30);
        assertThat(soa.getSerial()).isEqualTo(7);

        Message nodata = udp("web.marathon.mesos.", Type.AAAA);
        assertThat(nodata.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(nodata.getSection(Section.ANSWER)).isEmpty();
        assertThat(nodata.getSection(Section.AUTHORITY)).hasSize(1).first().isInstanceOf(SOARecord.class);

        assertThat(udp("web.marathon.mesos.", Type.TXT).getRcode()).isEqualTo(Rcode.NOERROR);
        // an empty non-terminal exists
        assertThat(udp("marathon.mesos.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(udp("_tcp.marathon.mesos.", Type.SRV).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(udp("_udp.marathon.mesos.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void soaAndNsAtTheApex() throws Exception {
        Message soa = udp("mesos.", Type.SOA);
        assertThat(soa.getSection(Section.ANSWER)).singleElement().isInstanceOf(SOARecord.class);
        Message ns = udp("mesos.", Type.NS);
        assertThat(ns.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("ns1.mesos.");
        assertThat(ns.getSection(Section.ADDITIONAL)).extracting(Record::rdataToString).containsExactly("127.0.0.1");
        assertThat(udp("mesos.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(udp("ns1.mesos.", Type.A).getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("127.0.0.1");
        Message any = udp("mesos.", Type.ANY);
        assertThat(any.getSection(Section.ANSWER)).extracting(Record::getType).contains(Type.SOA, Type.NS);
    }

    @Test
    void aaaaRecords() throws Exception {
        assertThat(udp("v6.marathon.mesos.", Type.AAAA).getSection(Section.ANSWER)).extracting(Record::rdataToString)
                .containsExactly("2001:db8:0:0:0:0:0:1");
    }

    @Test
    void bigAnswersAreCutToFitUdpWithTcAndWholeOverTcp() throws Exception {
        byte[] q = query("big.marathon.mesos.", Type.A);
        byte[] wire = raw(q, QueryHandler.Transport.UDP);
        assertThat(wire.length).isLessThanOrEqualTo(512);
        Message m = new Message(wire);
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(m.getSection(Section.ANSWER)).isNotEmpty().hasSizeLessThan(200);

        Message edns = ask(queryEdns("big.marathon.mesos.", Type.A, 4096, 0, false), QueryHandler.Transport.UDP);
        assertThat(edns.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(edns.getSection(Section.ANSWER)).hasSize(200);
        assertThat(edns.getOPT().getPayloadSize()).isEqualTo(QueryHandler.EDNS_PAYLOAD);

        Message small = ask(queryEdns("big.marathon.mesos.", Type.A, 100, 0, false), QueryHandler.Transport.UDP);
        assertThat(small.getHeader().getFlag(Flags.TC)).as("payload under 512 counts as 512").isTrue();

        Message tcp = ask(q, QueryHandler.Transport.TCP);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(200);
    }

    @Test
    void ednsIsEchoedWithTheDoBitAndOtherVersionsAreBadvers() throws Exception {
        Message m = ask(queryEdns("web.marathon.mesos.", Type.A, 1232, 0, true), QueryHandler.Transport.UDP);
        assertThat(m.getOPT()).isNotNull();
        assertThat(m.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
        Message bad = ask(queryEdns("web.marathon.mesos.", Type.A, 1232, 1, false), QueryHandler.Transport.UDP);
        assertThat(bad.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(bad.getOPT().getVersion()).isZero();
    }

    @Test
    void refusedForZoneTransfersOtherClassesAndOutsideNamesWhenForwardingIsOff() throws Exception {
        assertThat(udp("mesos.", Type.AXFR).getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(udp("mesos.", Type.IXFR).getRcode()).isEqualTo(Rcode.REFUSED);
        Message ch = ask(Message.newQuery(Record.newRecord(Name.fromString("version.mesos."), Type.TXT, DClass.CH)).toWire(),
                QueryHandler.Transport.UDP);
        assertThat(ch.getRcode()).isEqualTo(Rcode.REFUSED);
        Message outside = udp("example.com.", Type.A);
        assertThat(outside.getRcode()).isEqualTo(Rcode.REFUSED);
        assertThat(outside.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void malformedPacketsGetFormerrOrSilence() throws Exception {
        // too short for a header: silence
        assertThat(raw(new byte[] {1, 2, 3}, QueryHandler.Transport.UDP)).isNull();
        // a response: silence (no reflection)
        byte[] response = query("web.marathon.mesos.", Type.A);
        response[2] |= (byte) 0x80;
        assertThat(raw(response, QueryHandler.Transport.UDP)).isNull();
        // a header promising a question that is not there: FORMERR with the id
        byte[] truncated = java.util.Arrays.copyOf(query("web.marathon.mesos.", Type.A), 20);
        Message formerr = ask(truncated, QueryHandler.Transport.UDP);
        assertThat(formerr.getRcode()).isEqualTo(Rcode.FORMERR);
        assertThat(formerr.getHeader().getID()).isEqualTo(((truncated[0] & 0xff) << 8) | (truncated[1] & 0xff));
        // no question
        byte[] empty = new byte[12];
        empty[1] = 9;
        assertThat(ask(empty, QueryHandler.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
        // a compression loop
        byte[] loop = {0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (byte) 0xc0, 12, 0, 1, 0, 1};
        assertThat(ask(loop, QueryHandler.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
        // a label longer than 63
        byte[] longLabel = new byte[12 + 1 + 64 + 1 + 4];
        longLabel[5] = 1;
        longLabel[12] = 64;
        assertThat(ask(longLabel, QueryHandler.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
        // a name of 320 bytes (five labels of 63): over DNS's 255
        java.io.ByteArrayOutputStream huge = new java.io.ByteArrayOutputStream();
        huge.writeBytes(new byte[] {0, 7, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        for (int l = 0; l < 5; l++) {
            huge.write(63);
            huge.writeBytes("a".repeat(63).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        huge.writeBytes(new byte[] {0, 0, 1, 0, 1});
        assertThat(ask(huge.toByteArray(), QueryHandler.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
        // two OPT records
        Message two = Message.newQuery(Record.newRecord(Name.fromString("web.marathon.mesos."), Type.A, DClass.IN));
        two.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        two.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertThat(ask(two.toWire(), QueryHandler.Transport.UDP).getRcode()).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void beforeTheFirstWordFromTheMasterDomainNamesAreServfailNotNxdomain() throws Exception {
        QueryHandler early = new QueryHandler(() -> Zone.empty(SETTINGS, 1), null,
                new QueryHandler.Options(true, true, false, 10), DnsMetrics.noop(), Runnable::run);
        AtomicReference<byte[]> out = new AtomicReference<>();
        byte[] q = query("web.marathon.mesos.", Type.A);
        early.handle(q, q.length, QueryHandler.Transport.UDP, out::set);
        assertThat(new Message(out.get()).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void otherOpcodesAreNotImplemented() throws Exception {
        Message notify = Message.newQuery(Record.newRecord(Name.fromString("mesos."), Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        Message m = ask(notify.toWire(), QueryHandler.Transport.UDP);
        assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
    }
}
