package io.strata.lb.render;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * Stable HAProxy server ids (1..32767) derived from server names, as marathon-lb computes them, so that the saved
 * server state (health, drain, weight) finds its server again after a reload. Ids are unique within a backend:
 * on a clash the name is extended with its own digest and hashed again.
 */
public final class ServerIds {
    private static final BigInteger LIMIT = BigInteger.valueOf(32_767);

    private ServerIds() {}

    /** The id for {@code name}, not in {@code taken}; adds it to {@code taken}. Call in a stable order. */
    public static int next(String name, Set<Integer> taken) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("empty server name");
        String current = name;
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String hex = hex("SHA-256", current);
            int id = new BigInteger(hex, 16).mod(LIMIT).intValue();
            if (id > 0 && taken.add(id)) return id;
            current = current + " " + hex;
        }
        throw new IllegalStateException("no free server id for " + name);
    }

    /** The first ten hex digits of the name's SHA-1: marathon-lb's sticky-session cookie value for a server. */
    public static String cookie(String serverName) {
        return hex("SHA-1", serverName).substring(0, 10);
    }

    private static String hex(String algorithm, String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
