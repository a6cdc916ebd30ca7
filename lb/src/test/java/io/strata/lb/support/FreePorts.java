package io.strata.lb.support;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on 127.0.0.1. */
public final class FreePorts {
    private FreePorts() {}

    /** {@code n} distinct ports free right now. */
    public static int[] some(int n) {
        List<ServerSocket> held = new ArrayList<>();
        int[] out = new int[n];
        try {
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket();
                s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                held.add(s);
                out[i] = s.getLocalPort();
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException e) {
                    // ignore
                }
            }
        }
    }

    /** The first port of {@code size} consecutive ports that are all free, away from the ephemeral range. */
    public static int range(int size) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 20_000 + ThreadLocalRandom.current().nextInt(0, 12_000);
            boolean free = true;
            for (int p = base; p < base + size && free; p++) free = isFree(p);
            if (free) return base;
        }
        throw new IllegalStateException("no " + size + " consecutive free ports");
    }

    public static boolean isFree(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
