package io.strata.dns.records;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;

/** IP address literals, parsed without ever asking a resolver. */
public final class IpLiterals {
    private IpLiterals() {}

    /** The literal as an address, or null when the text is not an IPv4 or IPv6 literal. */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty() || text.length() > 64) return null;
        String t = text;
        if (t.startsWith("[") && t.endsWith("]")) t = t.substring(1, t.length() - 1);
        byte[] bytes = Address.toByteArray(t, Address.IPv4);
        if (bytes == null) bytes = Address.toByteArray(t, Address.IPv6);
        if (bytes == null) return null;
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** The canonical text of a literal (IPv6 compressed, lower case), or null if it is not one. */
    public static String canonical(String text) {
        InetAddress a = parse(text);
        if (a == null) return null;
        String s = a.getHostAddress();
        return a instanceof java.net.Inet6Address ? compress(s) : s;
    }

    /** Java prints {@code 2001:db8:0:0:0:0:0:1}; DNS tools print {@code 2001:db8::1}. */
    static String compress(String full) {
        String[] parts = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < parts.length; ) {
            if (parts[i].equals("0")) {
                int j = i;
                while (j < parts.length && parts[j].equals("0")) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) return full;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bestStart; i++) sb.append(i == 0 ? "" : ":").append(parts[i]);
        sb.append("::");
        for (int i = bestStart + bestLen; i < parts.length; i++) {
            sb.append(parts[i]);
            if (i < parts.length - 1) sb.append(':');
        }
        return sb.toString();
    }
}
