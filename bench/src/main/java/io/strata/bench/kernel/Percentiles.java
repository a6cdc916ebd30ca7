package io.strata.bench.kernel;

import java.util.Arrays;
import java.util.List;

/** Nearest-rank percentiles and medians over a handful of samples; enough for benchmark summaries. */
final class Percentiles {
    private Percentiles() {}

    /** The p-th percentile (0 < p ≤ 100) by nearest rank; NaN for no samples. */
    static double of(double[] samples, double p) {
        if (samples.length == 0) return Double.NaN;
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median; for an even count, the mean of the two middle samples. */
    static double median(List<Double> samples) {
        if (samples.isEmpty()) return Double.NaN;
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String ms(double millis) {
        return String.format(java.util.Locale.ROOT, "%.1f", millis);
    }
}
