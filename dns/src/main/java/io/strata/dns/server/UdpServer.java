package io.strata.dns.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.net.StandardSocketOptions;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over UDP: a few platform threads, each receiving a datagram, answering it (the domain is answered on the
 * spot; forwarding continues on a virtual thread) and receiving the next. Where the kernel allows, each thread has
 * its own socket on the shared port (SO_REUSEPORT), so the kernel spreads clients over them without a lock; else
 * they share one. When every thread is busy the socket buffers absorb bursts and then drop, which is how a flood
 * ends: in silence.
 */
public final class UdpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpServer.class);
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean closed;

    public UdpServer(InetSocketAddress bind, QueryHandler handler, int threads) throws IOException {
        StandardProtocolFamily family = bind.getAddress() instanceof java.net.Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
        try {
            InetSocketAddress address = bind;
            for (int i = 0; i < threads; i++) {
                DatagramChannel ch = DatagramChannel.open(family);
                boolean reusePort = threads > 1 && ch.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
                try {
                    ch.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024 * 1024);
                    ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 * 1024 * 1024);
                    if (reusePort) ch.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                    ch.bind(address);
                } catch (IOException e) {
                    ch.close();
                    throw e;
                }
                channels.add(ch);
                address = new InetSocketAddress(bind.getAddress(), ((InetSocketAddress) ch.getLocalAddress()).getPort());
                if (!reusePort) break;
            }
        } catch (IOException e) {
            for (DatagramChannel ch : channels) ch.close();
            throw new IOException("cannot listen for DNS on udp " + bind + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < threads; i++) {
            DatagramChannel ch = channels.get(i % channels.size());
            workers.add(Thread.ofPlatform().name("dns-udp-" + i).daemon().start(() -> serve(ch, handler)));
        }
    }

    public int port() {
        try {
            return ((InetSocketAddress) channels.get(0).getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void serve(DatagramChannel channel, QueryHandler handler) {
        ByteBuffer in = ByteBuffer.allocateDirect(65535);
        while (!closed) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                if (from == null) continue;
                byte[] packet = new byte[in.position()];
                in.flip();
                in.get(packet);
                handler.handle(packet, packet.length, QueryHandler.Transport.UDP, wire -> send(channel, wire, from));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (closed) return;
                LOG.debug("msg=\"udp receive failed\" error=\"{}\"", e.toString());
            }
        }
    }

    private void send(DatagramChannel channel, byte[] wire, SocketAddress to) {
        try {
            channel.send(ByteBuffer.wrap(wire), to);
        } catch (IOException e) {
            if (!closed) LOG.debug("msg=\"udp send failed\" to={} error=\"{}\"", to, e.toString());
        }
    }

    @Override
    public void close() {
        closed = true;
        for (DatagramChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("msg=\"udp close failed\"", e);
            }
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
