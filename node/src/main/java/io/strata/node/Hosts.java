package io.strata.node;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;

/** The address a daemon advertises when it was told only where to bind. */
public final class Hosts {
    private Hosts() {}

    /**
     * {@code --hostname} when given; else the bind address, unless that is a wildcard (0.0.0.0, ::), which
     * nobody can connect to: then this machine's first non-loopback IPv4 address.
     */
    public static String advertised(String bindHost, String hostname) {
        if (hostname != null && !hostname.isBlank()) return hostname;
        if (!isWildcard(bindHost)) return bindHost;
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) continue;
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (SocketException e) {
            // fall through to the host name
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    static boolean isWildcard(String host) {
        return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") || host.equals("*");
    }

    /** Fails early, with the flag's name, when the bind address is not an address of this machine's. */
    public static void requireResolvable(String host, String flag) {
        try {
            InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            throw new UserError(flag + " " + host + " does not resolve to an address; give an IP such as 127.0.0.1");
        }
    }
}
