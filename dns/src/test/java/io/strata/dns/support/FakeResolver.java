package io.strata.dns.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * An upstream resolver for forwarding tests, on 127.0.0.1 only (UDP and TCP on one port):
 * {@code *.example.com} has one A record 192.0.2.&lt;n&gt;, {@code big.example.com} 100 of them (truncated over
 * plain UDP, as a real server does), {@code slow.example.com} is never answered, everything else is NXDOMAIN.
 */
public final class FakeResolver implements AutoCloseable {
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final int tag;
    public final AtomicInteger udpQueries = new AtomicInteger();
    public final AtomicInteger tcpQueries = new AtomicInteger();
    private volatile boolean closed;

    /** @param tag the last octet of the addresses it answers with, to tell resolvers apart */
    public FakeResolver(int tag) throws IOException {
        this.tag = tag;
        DatagramSocket u = null;
        ServerSocket t = null;
        for (int attempt = 0; attempt < 20 && t == null; attempt++) {
            u = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            try {
                t = new ServerSocket();
                t.bind(new InetSocketAddress("127.0.0.1", u.getLocalPort()));
            } catch (IOException e) {
                u.close();
                t = null;
            }
        }
        this.udp = u;
        this.tcp = t;
        Thread.ofVirtual().start(this::serveUdp);
        Thread.ofVirtual().start(this::serveTcp);
    }

    public int port() {
        return udp.getLocalPort();
    }

    public String address() {
        return "127.0.0.1:" + port();
    }

    private byte[] answer(byte[] query, int max) throws IOException {
        Message q = new Message(query);
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) r.getHeader().setFlag(Flags.RD);
        Record question = q.getQuestion();
        r.addRecord(question, Section.QUESTION);
        Name name = question.getName();
        String n = name.toString().toLowerCase();
        if (n.equals("slow.example.com.")) return null;
        if (n.equals("big.example.com.")) {
            for (int i = 0; i < 100; i++) r.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByAddress(new byte[] {(byte) 198, 51, 100, (byte) i})), Section.ANSWER);
        } else if (n.endsWith(".example.com.") || n.equals("example.com.")) {
            r.addRecord(new ARecord(name, DClass.IN, 300, InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) tag})), Section.ANSWER);
        } else {
            r.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return r.toWire(max);
    }

    private void serveUdp() {
        byte[] buf = new byte[65535];
        while (!closed) {
            try {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                udp.receive(p);
                udpQueries.incrementAndGet();
                byte[] q = java.util.Arrays.copyOf(buf, p.getLength());
                Message parsed = new Message(q);
                int max = parsed.getOPT() == null ? 512 : Math.max(512, parsed.getOPT().getPayloadSize());
                byte[] a = answer(q, max);
                if (a != null) udp.send(new DatagramPacket(a, a.length, p.getSocketAddress()));
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket s = tcp.accept();
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        DataInputStream in = new DataInputStream(s.getInputStream());
                        byte[] q = new byte[in.readUnsignedShort()];
                        in.readFully(q);
                        tcpQueries.incrementAndGet();
                        byte[] a = answer(q, 65535);
                        if (a == null) { // hold the connection without answering until the client gives up
                            while (in.read() >= 0) { }
                            return;
                        }
                        s.getOutputStream().write(new byte[] {(byte) (a.length >>> 8), (byte) a.length});
                        s.getOutputStream().write(a);
                    } catch (IOException e) {
                        // done
                    }
                });
            } catch (IOException e) {
                if (closed) return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }
}
