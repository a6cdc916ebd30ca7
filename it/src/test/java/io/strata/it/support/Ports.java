package io.strata.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/**
 * Free TCP ports on 127.0.0.1. A port handed out once is never handed out again in this JVM, so two daemons
 * of one test never race for the same port. Agents' task port ranges live in 31000-32767, below Linux's
 * ephemeral range, so a port from here never collides with one.
 */
public final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();

    private Ports() {}

    public static synchronized int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = probe(0);
            if (port > 0 && GIVEN.add(port)) return port;
        }
        throw new IllegalStateException("no free port");
    }

    /** {@code count} consecutive free ports (for launchers that number their agents port, port+1, ...). */
    public static synchronized int freeConsecutive(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = probe(0);
            if (first <= 0 || first + count > 65535) continue;
            boolean ok = true;
            for (int p = first; p < first + count; p++) {
                if (GIVEN.contains(p) || (p != first && probe(p) != p)) {
                    ok = false;
                    break;
                }
            }
            if (ok) {
                for (int p = first; p < first + count; p++) GIVEN.add(p);
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports");
    }

    private static int probe(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return s.getLocalPort();
        } catch (IOException e) {
            if (port == 0) throw new UncheckedIOException(e);
            return -1;
        }
    }
}
