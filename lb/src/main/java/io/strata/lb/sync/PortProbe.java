package io.strata.lb.sync;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a service port can be bound before it goes into haproxy.cfg: HAProxy refuses a whole reload when one
 * listener cannot bind, so a port another process holds would stop every other change. Such an app is skipped.
 */
public final class PortProbe {
    private PortProbe() {}

    public static boolean free(String address, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            InetAddress a = wildcard(address) ? null : InetAddress.getByName(address.replace("[", "").replace("]", ""));
            s.bind(a == null ? new InetSocketAddress(port) : new InetSocketAddress(a, port));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    static boolean wildcard(String a) {
        return a == null || a.isEmpty() || a.equals("*") || a.equals("0.0.0.0") || a.equals("::") || a.equals("[::]");
    }
}
