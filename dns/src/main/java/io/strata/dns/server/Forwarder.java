package io.strata.dns.server;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * Sends queries for names outside the domain to upstream resolvers, as Mesos-DNS does: the resolvers of the
 * longest matching {@code zoneResolvers} zone, else {@code resolvers}, each in turn until one answers, over the
 * transport the client used. The query goes out byte for byte except for a fresh random id (so an off-path
 * attacker cannot guess it from the client's), and the answer comes back the same way.
 */
public final class Forwarder {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final List<InetSocketAddress> defaults;
    private final Map<Name, List<InetSocketAddress>> zones;
    private final int timeoutMillis;

    public Forwarder(List<InetSocketAddress> defaults, Map<Name, List<InetSocketAddress>> zones, Duration timeout) {
        this.defaults = List.copyOf(defaults);
        this.zones = Map.copyOf(zones);
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
    }

    /** The upstream servers for a name, most specific zone first; empty when there are none. */
    public List<InetSocketAddress> resolversFor(Name qname) {
        Name best = null;
        for (Name zone : zones.keySet()) {
            if (qname.subdomain(zone) && (best == null || zone.labels() > best.labels())) best = zone;
        }
        return best != null ? zones.get(best) : defaults;
    }

    /**
     * The upstream answer to {@code query} (a complete DNS message), with the client's id.
     *
     * @throws IOException when no upstream answered in time
     */
    public byte[] forward(byte[] query, Name qname, boolean tcp) throws IOException {
        List<InetSocketAddress> servers = resolversFor(qname);
        if (servers.isEmpty()) throw new IOException("no upstream resolvers for " + qname);
        List<String> failures = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            try {
                return tcp ? tcp(query, server) : udp(query, server);
            } catch (IOException e) {
                failures.add(server + ": " + e.getMessage());
            }
        }
        throw new IOException("no upstream answered: " + String.join("; ", failures));
    }

    private byte[] udp(byte[] query, InetSocketAddress server) throws IOException {
        int id = RANDOM.nextInt(0x10000);
        byte[] out = withId(query, id);
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.connect(server);
            socket.setSoTimeout(timeoutMillis);
            socket.send(new DatagramPacket(out, out.length));
            byte[] buf = new byte[65535];
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                socket.receive(p);
                if (p.getLength() >= 12 && matches(buf, id, query)) {
                    byte[] answer = java.util.Arrays.copyOf(buf, p.getLength());
                    return withId(answer, id(query));
                }
                // not our answer (late reply to someone else, or garbage): keep waiting until the deadline
                int left = (int) ((deadline - System.nanoTime()) / 1_000_000L);
                if (left <= 0) throw new SocketTimeoutException("timed out");
                socket.setSoTimeout(left);
            }
        }
    }

    private byte[] tcp(byte[] query, InetSocketAddress server) throws IOException {
        int id = RANDOM.nextInt(0x10000);
        byte[] out = withId(query, id);
        try (Socket socket = new Socket()) {
            socket.connect(server, timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            OutputStream os = socket.getOutputStream();
            byte[] framed = new byte[out.length + 2];
            framed[0] = (byte) (out.length >>> 8);
            framed[1] = (byte) out.length;
            System.arraycopy(out, 0, framed, 2, out.length);
            os.write(framed);
            os.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int length = in.readUnsignedShort();
            byte[] answer = new byte[length];
            in.readFully(answer);
            if (length < 12 || !matches(answer, id, query)) throw new IOException("mismatched answer");
            return withId(answer, id(query));
        }
    }

    /** An answer to our query: our id, QR set, and the same question (compared without regard to case). */
    static boolean matches(byte[] answer, int id, byte[] query) {
        if (((answer[0] & 0xff) << 8 | (answer[1] & 0xff)) != id) return false;
        if ((answer[2] & 0x80) == 0) return false;
        int qd = (query[4] & 0xff) << 8 | (query[5] & 0xff);
        int ad = (answer[4] & 0xff) << 8 | (answer[5] & 0xff);
        if (qd != ad) return false;
        if (qd == 0) return true;
        int end = questionEnd(query);
        if (end < 0 || answer.length < end) return false;
        for (int i = 12; i < end; i++) {
            if (Character.toLowerCase((char) (query[i] & 0xff)) != Character.toLowerCase((char) (answer[i] & 0xff))) return false;
        }
        return true;
    }

    /** Offset just past the (single, uncompressed) question, or -1. */
    static int questionEnd(byte[] msg) {
        int i = 12;
        while (i < msg.length) {
            int len = msg[i] & 0xff;
            if (len == 0) return i + 5 <= msg.length ? i + 5 : -1;
            if (len > 63) return -1;
            i += len + 1;
        }
        return -1;
    }

    static int id(byte[] msg) {
        return (msg[0] & 0xff) << 8 | (msg[1] & 0xff);
    }

    static byte[] withId(byte[] msg, int id) {
        byte[] copy = msg.clone();
        copy[0] = (byte) (id >>> 8);
        copy[1] = (byte) id;
        return copy;
    }
}
