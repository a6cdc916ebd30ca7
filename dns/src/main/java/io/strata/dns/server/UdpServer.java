package io.strata.dns.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: a few platform threads share one socket, each receiving a datagram, answering it (the domain is
 * answered on the spot; forwarding continues on a virtual thread) and receiving the next. When every thread is
 * busy the kernel's socket buffer absorbs bursts and then drops, which is how a flood ends: in silence.
 */
public final class UdpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpServer.class);
    private final DatagramChannel channel;
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    public UdpServer(InetSocketAddress bind, QueryHandler handler, int threads) throws IOException {
        channel = DatagramChannel.open(bind.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
        try {
            channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
            channel.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 * 1024 * 1024);
            channel.bind(bind);
        } catch (IOException e) {
            channel.close();
            throw new IOException("cannot listen for DNS on udp " + bind + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < threads; i++) {
            workers.add(Thread.ofPlatform().name("dns-udp-" + i).daemon().start(() -> serve(handler)));
        }
    }

    public int port() {
        return ((InetSocketAddress) channelAddress()).getPort();
    }

    private SocketAddress channelAddress() {
        try {
            return channel.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(QueryHandler handler) {
        ByteBuffer in = ByteBuffer.allocate(65535);
        while (!closed) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                if (from == null) continue;
                byte[] packet = new byte[in.position()];
                in.flip();
                in.get(packet);
                handler.handle(packet, packet.length, QueryHandler.Transport.UDP, wire -> send(wire, from));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) return;
                LOG.debug("msg=\"udp receive failed\" error=\"{}\"", e.toString());
            }
        }
    }

    private void send(byte[] wire, SocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(wire), to);
        } catch (IOException e) {
            if (!closed) LOG.debug("msg=\"udp send failed\" to={} error=\"{}\"", to, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("msg=\"udp close failed\"", e);
        }
        for (Thread t : workers) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
