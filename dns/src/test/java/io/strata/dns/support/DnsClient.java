package io.strata.dns.support;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** A bare DNS client for tests: one query, over UDP or TCP, to 127.0.0.1, no retries, no fallback. */
public final class DnsClient {
    private final InetSocketAddress server;

    public DnsClient(int port) {
        this.server = new InetSocketAddress("127.0.0.1", port);
    }

    public static byte[] query(String name, int type, Integer ednsPayload) throws IOException {
        Message m = Message.newQuery(Record.newRecord(Name.fromString(name.endsWith(".") ? name : name + "."), type, DClass.IN));
        if (ednsPayload != null) m.addRecord(new OPTRecord(ednsPayload, 0, 0), Section.ADDITIONAL);
        return m.toWire();
    }

    public Message udp(String name, int type) throws IOException {
        return new Message(udp(query(name, type, null), 3_000));
    }

    public Message tcp(String name, int type) throws IOException {
        return new Message(tcp(query(name, type, null), 3_000));
    }

    /** The raw answer, or null when none came within the timeout. */
    public byte[] udp(byte[] packet, int timeoutMillis) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(timeoutMillis);
            s.send(new DatagramPacket(packet, packet.length, server));
            byte[] buf = new byte[65535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                s.receive(p);
            } catch (java.net.SocketTimeoutException e) {
                return null;
            }
            return java.util.Arrays.copyOf(buf, p.getLength());
        }
    }

    public byte[] tcp(byte[] packet, int timeoutMillis) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            OutputStream out = s.getOutputStream();
            out.write(new byte[] {(byte) (packet.length >>> 8), (byte) packet.length});
            out.write(packet);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            return answer;
        }
    }
}
