package io.strata.node;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

/**
 * Checks that ports are free before anything starts, so a busy port is reported with the flag that changes it
 * instead of half a cluster coming up. A port can still be taken between the check and the bind; that case
 * is reported by the daemon itself.
 */
public final class PortCheck {
    private PortCheck() {}

    /** Whether {@code host:port} can be bound right now. */
    public static boolean isFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(host), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Throws a {@link UserError} naming the first busy port's flag. */
    public static void requireFree(String host, Map<Integer, String> portsByFlag) {
        for (var e : portsByFlag.entrySet()) {
            if (!isFree(host, e.getKey())) throw UserError.portInUse(host, e.getKey(), e.getValue());
        }
    }
}
