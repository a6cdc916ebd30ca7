package io.strata.dns.server;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS over TCP (RFC 7766): each connection on its own virtual thread, messages framed by a two-byte length,
 * several queries per connection and answers possibly out of order (forwarded ones finish later). A connection
 * idle for {@code idleMillis} is closed; beyond {@code maxConnections} new connections are closed at once.
 */
public final class TcpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpServer.class);
    private final ServerSocket server;
    private final QueryHandler handler;
    private final DnsMetrics metrics;
    private final int idleMillis;
    private final Semaphore slots;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;
    private volatile boolean closed;

    public TcpServer(InetSocketAddress bind, QueryHandler handler, DnsMetrics metrics, int maxConnections, int idleMillis) throws IOException {
        this.handler = handler;
        this.metrics = metrics;
        this.idleMillis = idleMillis;
        this.slots = new Semaphore(maxConnections);
        server = new ServerSocket();
        try {
            server.setReuseAddress(true);
            server.bind(bind, 1024);
        } catch (IOException e) {
            server.close();
            throw new IOException("cannot listen for DNS on tcp " + bind + ": " + e.getMessage(), e);
        }
        acceptor = Thread.ofPlatform().name("dns-tcp-accept").daemon().start(this::accept);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                if (!slots.tryAcquire()) {
                    metrics.tcpRejected();
                    s.close();
                    continue;
                }
                open.add(s);
                Thread.ofVirtual().name("dns-tcp-conn").start(() -> serve(s));
            } catch (IOException e) {
                if (closed) return;
                LOG.debug("msg=\"tcp accept failed\" error=\"{}\"", e.toString());
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(idleMillis);
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            Object writeLock = new Object();
            while (!closed) {
                int length;
                try {
                    length = in.readUnsignedShort();
                } catch (EOFException | SocketTimeoutException e) {
                    return;
                }
                byte[] packet = new byte[length];
                in.readFully(packet);
                handler.handle(packet, length, QueryHandler.Transport.TCP, wire -> {
                    byte[] framed = new byte[wire.length + 2];
                    framed[0] = (byte) (wire.length >>> 8);
                    framed[1] = (byte) wire.length;
                    System.arraycopy(wire, 0, framed, 2, wire.length);
                    synchronized (writeLock) {
                        try {
                            out.write(framed);
                            out.flush();
                        } catch (IOException e) {
                            LOG.debug("msg=\"tcp write failed\" error=\"{}\"", e.toString());
                        }
                    }
                });
            }
        } catch (SocketException | EOFException e) {
            // the client went away mid-message
        } catch (IOException e) {
            LOG.debug("msg=\"tcp connection failed\" error=\"{}\"", e.toString());
        } finally {
            open.remove(s);
            slots.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("msg=\"tcp close failed\"", e);
        }
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
