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
 * of one test never race for the same port. Ports in 31000-32999, where agents' task port ranges live (the
 * local cluster's public agent reaches into Linux's ephemeral range), are never handed out.
 */
public final class Ports {
    private static final Set<Integer> GIVEN = new HashSet<>();
    static final int TASK_PORTS_FIRST = 31000;
    static final int TASK_PORTS_END = 33000; // exclusive

    private static boolean taskPort(int port) {
        return port >= TASK_PORTS_FIRST && port < TASK_PORTS_END;
    }

    private Ports() {}

    public static synchronized int free() {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port = probe(0);
            if (port > 0 && !taskPort(port) && GIVEN.add(port)) return port;
        }
        throw new IllegalStateException("no free port");
    }

    /** {@code count} consecutive free ports (for launchers that number their agents port, port+1, ...). */
    public static synchronized int freeConsecutive(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int first = probe(0);
            if (first <= 0 || first + count > 65535 || taskPort(first) || taskPort(first + count - 1)) continue;
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
