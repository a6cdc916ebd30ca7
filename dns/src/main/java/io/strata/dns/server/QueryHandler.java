package io.strata.dns.server;

import io.strata.dns.records.Zone;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Turns one DNS packet into its answer, whatever the packet holds. Independent of sockets: the UDP and TCP
 * servers, the tests and the fuzzer all call {@link #handle}.
 *
 * <ul>
 *   <li>Too short to have a header, or itself a response: silence (never answer an answer: no reflection loops).</li>
 *   <li>Unparseable: FORMERR built from the header alone. Not one question, or two OPT records: FORMERR.
 *       Opcode other than QUERY: NOTIMP. EDNS version other than 0: BADVERS. Zone transfers: REFUSED.</li>
 *   <li>A name in the domain: answered from the current {@link Zone}, authoritative; NXDOMAIN when the name
 *       does not exist, NODATA (NOERROR, no answer, SOA in authority) when it exists without that type. A
 *       and AAAA and SRV answers are shuffled, SRV answers carry their targets' addresses.</li>
 *   <li>Any other name: forwarded (see {@link Forwarder}) off this thread; REFUSED when forwarding is off, has no
 *       upstream, or too many forwards are in flight; SERVFAIL when no upstream answers.</li>
 *   <li>Over UDP an answer is at most 512 bytes, or the EDNS0 payload size the client offers (up to 4096):
 *       additional records go first, then answers, and TC is set when answers were cut so the client asks again
 *       over TCP.</li>
 * </ul>
 */
public final class QueryHandler {
    private static final Logger LOG = LoggerFactory.getLogger(QueryHandler.class);
    /** The UDP payload we offer in our own OPT record (the DNS flag day 2020 value). */
    public static final int EDNS_PAYLOAD = 1232;
    /** The largest UDP answer we send, whatever the client offers. */
    public static final int MAX_UDP = 4096;
    private static final int BADVERS = 16;

    public enum Transport { UDP, TCP }

    /** Where an answer goes; called once per answered packet, on this thread or a forwarding thread. */
    @FunctionalInterface
    public interface Replier {
        void reply(byte[] wire);
    }

    public record Options(boolean recurseOn, boolean setTruncateBit, boolean externalOn, int maxForwardsInFlight) {}

    private final Supplier<Zone> zones;
    private final Forwarder forwarder;
    private final Options options;
    private final DnsMetrics metrics;
    private final Executor forwardExecutor;
    private final Semaphore forwards;

    public QueryHandler(Supplier<Zone> zones, Forwarder forwarder, Options options, DnsMetrics metrics, Executor forwardExecutor) {
        this.zones = zones;
        this.forwarder = forwarder;
        this.options = options;
        this.metrics = metrics;
        this.forwardExecutor = forwardExecutor;
        this.forwards = new Semaphore(Math.max(1, options.maxForwardsInFlight()));
    }

    /** Answers the first {@code length} bytes of {@code packet}; calls the replier at most once. */
    public void handle(byte[] packet, int length, Transport transport, Replier replier) {
        boolean tcp = transport == Transport.TCP;
        metrics.query(tcp);
        if (length < Header.LENGTH || packet.length < length) {
            metrics.dropped();
            return;
        }
        if ((packet[2] & 0x80) != 0) {
            metrics.dropped();
            return;
        }
        byte[] wire = length == packet.length ? packet : Arrays.copyOf(packet, length);
        try {
            answer(wire, tcp, replier);
        } catch (RuntimeException e) {
            // a bug, not the client's fault; still answer rather than leave the client waiting
            LOG.warn("msg=\"query failed\" error=\"{}\"", e.toString(), e);
            send(replier, headerOnly(wire, Rcode.SERVFAIL), Rcode.SERVFAIL);
        }
    }

    private void answer(byte[] wire, boolean tcp, Replier replier) {
        int opcode = (wire[2] >>> 3) & 0x0f;
        int questions = (wire[4] & 0xff) << 8 | (wire[5] & 0xff);
        // most garbage ends here, before the (exception-throwing, so slower) parser sees it
        if (opcode != Opcode.QUERY) {
            send(replier, headerOnly(wire, Rcode.NOTIMP), Rcode.NOTIMP);
            return;
        }
        if (questions != 1) {
            send(replier, headerOnly(wire, Rcode.FORMERR), Rcode.FORMERR);
            return;
        }
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException | RuntimeException e) {
            send(replier, headerOnly(wire, Rcode.FORMERR), Rcode.FORMERR);
            return;
        }
        if (query.getQuestion() == null) {
            send(replier, headerOnly(wire, Rcode.FORMERR), Rcode.FORMERR);
            return;
        }
        OPTRecord opt = null;
        int opts = 0;
        for (Record r : query.getSection(Section.ADDITIONAL)) {
            if (r instanceof OPTRecord o) {
                opt = o;
                opts++;
            }
        }
        if (opts > 1) {
            send(replier, error(query, Rcode.FORMERR, null), Rcode.FORMERR);
            return;
        }
        if (opt != null && opt.getVersion() != 0) {
            send(replier, error(query, BADVERS, opt), BADVERS);
            return;
        }
        int maxLength = tcp ? 65535 : opt == null ? 512 : Math.min(MAX_UDP, Math.max(512, opt.getPayloadSize()));
        Record question = query.getQuestion();
        int qtype = question.getType();
        if (qtype == Type.AXFR || qtype == Type.IXFR) {
            send(replier, error(query, Rcode.REFUSED, opt), Rcode.REFUSED);
            return;
        }
        Zone zone = zones.get();
        if (question.getName().subdomain(zone.origin())) {
            metrics.domainQuery();
            if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
                send(replier, error(query, Rcode.REFUSED, opt), Rcode.REFUSED);
                return;
            }
            if (!zone.synced()) { // no word from the master yet: do not let resolvers cache an NXDOMAIN
                send(replier, error(query, Rcode.SERVFAIL, opt), Rcode.SERVFAIL);
                return;
            }
            boolean[] cut = new boolean[1];
            Message response = authoritative(query, question, zone, opt, maxLength, cut);
            send(replier, render(response, maxLength, cut[0]), response.getRcode());
            return;
        }
        forward(query, wire, question.getName(), tcp, maxLength, opt, replier);
    }

    // ------------------------------------------------------------------ the domain

    /** The answer from the zone; {@code cut[0]} is set when answers were left out because they could not fit. */
    private Message authoritative(Message query, Record question, Zone zone, OPTRecord opt, int maxLength, boolean[] cut) {
        Message m = response(query, opt);
        m.getHeader().setFlag(Flags.AA);
        if (options.recurseOn()) m.getHeader().setFlag(Flags.RA);
        Name qname = question.getName();
        int qtype = question.getType();
        Zone.Node node = zone.find(qname);
        boolean apex = zone.isApex(qname);
        List<Record> answers = new ArrayList<>();
        switch (qtype) {
            case Type.A, Type.AAAA, Type.SRV -> answers.addAll(node.get(qtype));
            case Type.ANY -> answers.addAll(node.all());
            default -> { }
        }
        if (answers.size() > 1) Collections.shuffle(answers, ThreadLocalRandom.current());
        if (apex && (qtype == Type.SOA || qtype == Type.ANY)) answers.add(zone.soa());
        if (apex && (qtype == Type.NS || qtype == Type.ANY)) answers.add(zone.ns());
        if (answers.isEmpty()) {
            m.getHeader().setRcode(apex || node.exists() ? Rcode.NOERROR : Rcode.NXDOMAIN);
            m.addRecord(zone.negativeSoa(), Section.AUTHORITY);
            return m;
        }
        // more than could ever fit (16 bytes is the smallest answer record) is left out before rendering
        int cap = maxLength / 16;
        if (answers.size() > cap) {
            answers = answers.subList(0, cap);
            cut[0] = true;
        }
        for (Record r : answers) m.addRecord(r, Section.ANSWER);
        Set<Name> glue = new LinkedHashSet<>();
        for (Record r : answers) {
            if (r instanceof SRVRecord srv) glue.add(srv.getTarget());
            if (r.getType() == Type.NS) glue.add(zone.settings().soaMname());
            if (glue.size() > 64) break;
        }
        for (Name target : glue) {
            Zone.Node t = zone.find(target);
            Record a = t.first(Type.A);
            if (a != null) m.addRecord(a, Section.ADDITIONAL);
            Record aaaa = t.first(Type.AAAA);
            if (aaaa != null) m.addRecord(aaaa, Section.ADDITIONAL);
        }
        return m;
    }

    /**
     * The wire form in at most {@code max} bytes: whole if it fits; else without additional records (OPT kept);
     * else with as many answers as fit and TC set (unless {@code setTruncateBit} is off, as in Mesos-DNS).
     *
     * @param cut answers were already left out, so TC is due whatever the size
     */
    byte[] render(Message m, int max, boolean cut) {
        byte[] wire = m.toWire();
        if (wire.length <= max && !cut) return wire;
        if (wire.length > max) {
            OPTRecord opt = m.getOPT();
            m.removeAllRecords(Section.ADDITIONAL);
            if (opt != null) m.addRecord(opt, Section.ADDITIONAL);
            wire = m.toWire();
        }
        if (wire.length > max) {
            // answers are alike (one name, one type): estimate how many fit from the average size, then step down
            List<Record> answers = m.getSection(Section.ANSWER);
            int n = answers.size();
            m.removeAllRecords(Section.ANSWER);
            int base = m.toWire().length;
            double each = n == 0 ? 1 : Math.max(1.0, (wire.length - base) / (double) n);
            int k = (int) Math.min(n, Math.max(0, Math.floor((max - base) / each)));
            while (true) {
                m.removeAllRecords(Section.ANSWER);
                for (int i = 0; i < k; i++) m.addRecord(answers.get(i), Section.ANSWER);
                wire = m.toWire();
                if (wire.length <= max || k == 0) break;
                k = Math.max(0, k - Math.max(1, (int) Math.ceil((wire.length - max) / each)));
            }
            if (wire.length > max) wire = headerOnly(wire, m.getRcode());
            cut = true;
        }
        if (cut) {
            metrics.truncated();
            if (options.setTruncateBit()) wire[2] |= 0x02;
        }
        return wire;
    }

    // ------------------------------------------------------------------ other names

    private void forward(Message query, byte[] wire, Name qname, boolean tcp, int maxLength, OPTRecord opt, Replier replier) {
        if (!options.externalOn() || forwarder == null || forwarder.resolversFor(qname).isEmpty()) {
            send(replier, error(query, Rcode.REFUSED, opt), Rcode.REFUSED);
            return;
        }
        if (!forwards.tryAcquire()) {
            metrics.forwardRejected();
            send(replier, error(query, Rcode.REFUSED, opt), Rcode.REFUSED);
            return;
        }
        metrics.forwarded();
        try {
            forwardExecutor.execute(() -> {
                try {
                    byte[] answer = forwarder.forward(wire, qname, tcp);
                    if (answer.length > maxLength) answer = truncatedCopy(query, opt);
                    send(replier, answer, answer[3] & 0x0f);
                } catch (IOException e) {
                    metrics.forwardFailed();
                    LOG.debug("msg=\"forward failed\" name={} error=\"{}\"", qname, e.getMessage());
                    send(replier, error(query, Rcode.SERVFAIL, opt), Rcode.SERVFAIL);
                } catch (RuntimeException e) {
                    LOG.warn("msg=\"forward failed\" name={}", qname, e);
                    send(replier, error(query, Rcode.SERVFAIL, opt), Rcode.SERVFAIL);
                } finally {
                    forwards.release();
                }
            });
        } catch (RuntimeException e) { // executor shut down
            forwards.release();
            send(replier, error(query, Rcode.REFUSED, opt), Rcode.REFUSED);
        }
    }

    /** An upstream answer too big for the client's UDP limit: just the question and TC, to send it to TCP. */
    private byte[] truncatedCopy(Message query, OPTRecord opt) {
        Message m = response(query, opt);
        m.getHeader().setFlag(Flags.RA);
        byte[] w = m.toWire();
        w[2] |= 0x02;
        metrics.truncated();
        return w;
    }

    // ------------------------------------------------------------------ building answers

    /** The answer skeleton: the client's id, opcode, RD and CD, the question, and an OPT if the client sent one. */
    private static Message response(Message query, OPTRecord clientOpt) {
        Header qh = query.getHeader();
        Message m = new Message(qh.getID());
        Header h = m.getHeader();
        h.setFlag(Flags.QR);
        h.setOpcode(qh.getOpcode());
        if (qh.getFlag(Flags.RD)) h.setFlag(Flags.RD);
        if (qh.getFlag(Flags.CD)) h.setFlag(Flags.CD);
        Record question = query.getQuestion();
        if (question != null && qh.getCount(Section.QUESTION) == 1) m.addRecord(question, Section.QUESTION);
        if (clientOpt != null) { // DO echoed (RFC 3225)
            m.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, clientOpt.getFlags() & ExtendedFlags.DO), Section.ADDITIONAL);
        }
        return m;
    }

    private static byte[] error(Message query, int rcode, OPTRecord clientOpt) {
        Message m = response(query, null);
        if (rcode > 15) {
            m.getHeader().setRcode(rcode & 0xf);
            m.addRecord(new OPTRecord(EDNS_PAYLOAD, rcode >>> 4, 0, 0), Section.ADDITIONAL);
        } else {
            m.getHeader().setRcode(rcode);
            if (clientOpt != null) m.addRecord(new OPTRecord(EDNS_PAYLOAD, 0, 0, 0), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    /** A bare header answering a packet we could not parse: its id, opcode and RD, our rcode, no sections. */
    static byte[] headerOnly(byte[] packet, int rcode) {
        byte[] out = new byte[Header.LENGTH];
        out[0] = packet[0];
        out[1] = packet[1];
        out[2] = (byte) (0x80 | (packet[2] & 0x78) | (packet[2] & 0x01));
        out[3] = (byte) (rcode & 0x0f);
        return out;
    }

    private void send(Replier replier, byte[] wire, int rcode) {
        metrics.response(rcode);
        try {
            replier.reply(wire);
        } catch (RuntimeException e) {
            LOG.debug("msg=\"could not send an answer\" error=\"{}\"", e.toString());
        }
    }
}
