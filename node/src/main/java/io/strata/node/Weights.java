package io.strata.node;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mesos' {@code --weights} flag: {@code role1=2,role2=1.5}. */
public final class Weights {
    private Weights() {}

    public static Map<String, Double> parse(String text) {
        if (text == null || text.isBlank()) return Map.of();
        Map<String, Double> weights = new LinkedHashMap<>();
        for (String pair : text.split(",")) {
            String p = pair.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("bad weight '" + p + "'; write role=weight pairs, e.g. \"r1=2,r2=1\"");
            }
            String role = p.substring(0, eq).trim();
            double w;
            try {
                w = Double.parseDouble(p.substring(eq + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("weight of role '" + role + "' is not a number: '" + p.substring(eq + 1) + "'");
            }
            if (!(w > 0) || Double.isInfinite(w)) {
                throw new IllegalArgumentException("weight of role '" + role + "' must be a positive number, got " + p.substring(eq + 1));
            }
            if (weights.put(role, w) != null) throw new IllegalArgumentException("role '" + role + "' is weighted twice");
        }
        return Collections.unmodifiableMap(weights);
    }
}
