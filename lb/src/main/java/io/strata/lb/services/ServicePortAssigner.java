package io.strata.lb.services;

import io.strata.lb.marathon.MarathonApp;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Service ports for IP-per-task apps that Marathon gives none ({@code --min-serv-port-ip-per-task} ..
 * {@code --max-serv-port-ip-per-task}): a port derived from a hash of the app id and the task port, the next free
 * one on a clash. The same set of apps gets the same ports on every load balancer.
 */
final class ServicePortAssigner {
    private static final int MAX_CLASHES = 50;

    private final int min;
    private final int max;
    private final Map<String, Integer> byKey = new HashMap<>();
    private final Set<Integer> taken = new HashSet<>();

    ServicePortAssigner(int min, int max) {
        this.min = min;
        this.max = max;
    }

    boolean enabled() {
        return min > 0 && max >= min;
    }

    /** Service ports for the app's task ports; an entry is null when the range is exhausted. */
    List<Integer> assign(MarathonApp app, List<Integer> taskPorts) {
        return taskPorts.stream().map(p -> assign(app.id(), p)).toList();
    }

    private Integer assign(String appId, int taskPort) {
        String key = appId + "-" + taskPort;
        Integer known = byKey.get(key);
        if (known != null) return known;
        int size = max - min + 1;
        if (taken.size() >= size) return null;
        Integer port = null;
        for (int i = 0; i < MAX_CLASHES && port == null; i++) {
            int candidate = min + (int) (Long.parseLong(sha1(key + "-" + i).substring(0, 8), 16) % size);
            if (!taken.contains(candidate)) port = candidate;
        }
        for (int p = min; port == null && p <= max; p++) {
            if (!taken.contains(p)) port = p;
        }
        taken.add(port);
        byKey.put(key, port);
        return port;
    }

    private static String sha1(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
