package io.strata.lb.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Shared bits of the load balancer benchmarks: the machine, percentiles, a header. */
final class Bench {
    private Bench() {}

    static void header(String name, String command) {
        System.out.println("== " + name);
        System.out.println("command: " + command);
        System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cpus, java " + System.getProperty("java.version")
                + ", " + haproxyVersion() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    static String haproxyVersion() {
        try {
            Process p = new ProcessBuilder("haproxy", "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out.lines().findFirst().orElse("haproxy ?").replace("HAProxy version ", "HAProxy ").replaceAll(" - https.*", "");
        } catch (IOException | InterruptedException e) {
            return "no HAProxy";
        }
    }

    /** p50, p90, p99 and max of {@code values} in milliseconds. */
    static String percentiles(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        return String.format("n=%d p50=%.1f ms p90=%.1f ms p99=%.1f ms max=%.1f ms", v.size(), at(v, 0.5), at(v, 0.9), at(v, 0.99),
                v.isEmpty() ? 0.0 : v.get(v.size() - 1));
    }

    private static double at(List<Double> sorted, double q) {
        if (sorted.isEmpty()) return 0;
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(q * sorted.size()) - 1));
    }
}
