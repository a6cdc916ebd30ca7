package io.strata.node;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Mesos' flags write them: a number and a unit, {@code 100ms}, {@code 15secs}, {@code 5mins},
 * {@code 2hrs}, {@code 1days}, {@code 1weeks}, or a plain number of seconds. The short and singular spellings
 * people type anyway ({@code 15s}, {@code 1min}, {@code 2h}) are accepted too.
 */
public final class Durations {
    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)\\s*([a-z]*)");
    private static final Map<String, Long> NANOS_PER_UNIT = Map.ofEntries(
            Map.entry("ns", 1L), Map.entry("nsecs", 1L),
            Map.entry("us", 1_000L), Map.entry("usecs", 1_000L),
            Map.entry("ms", 1_000_000L), Map.entry("msecs", 1_000_000L),
            Map.entry("", 1_000_000_000L), Map.entry("s", 1_000_000_000L), Map.entry("sec", 1_000_000_000L),
            Map.entry("secs", 1_000_000_000L), Map.entry("second", 1_000_000_000L), Map.entry("seconds", 1_000_000_000L),
            Map.entry("m", 60_000_000_000L), Map.entry("min", 60_000_000_000L), Map.entry("mins", 60_000_000_000L),
            Map.entry("minute", 60_000_000_000L), Map.entry("minutes", 60_000_000_000L),
            Map.entry("h", 3_600_000_000_000L), Map.entry("hr", 3_600_000_000_000L), Map.entry("hrs", 3_600_000_000_000L),
            Map.entry("hour", 3_600_000_000_000L), Map.entry("hours", 3_600_000_000_000L),
            Map.entry("d", 86_400_000_000_000L), Map.entry("day", 86_400_000_000_000L), Map.entry("days", 86_400_000_000_000L),
            Map.entry("w", 604_800_000_000_000L), Map.entry("week", 604_800_000_000_000L),
            Map.entry("weeks", 604_800_000_000_000L));

    private Durations() {}

    /** Parses a Mesos duration; throws IllegalArgumentException with an example of the expected form. */
    public static Duration parse(String text) {
        if (text == null) throw new IllegalArgumentException("missing duration");
        Matcher m = FORM.matcher(text.trim().toLowerCase(Locale.ROOT));
        Long unit = m.matches() ? NANOS_PER_UNIT.get(m.group(2)) : null;
        if (unit == null) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write it as Mesos does, e.g. "
                    + "100ms, 15secs, 5mins, 2hrs, or a number of seconds");
        }
        BigDecimal nanos = new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit));
        try {
            return Duration.ofNanos(nanos.longValueExact());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is out of range for a duration");
        }
    }

    /** The Mesos spelling of a duration, for help texts and logs: 15secs, 5mins, 100ms. */
    public static String format(Duration d) {
        long nanos = d.toNanos();
        if (nanos != 0 && nanos % 3_600_000_000_000L == 0) return nanos / 3_600_000_000_000L + "hrs";
        if (nanos != 0 && nanos % 60_000_000_000L == 0) return nanos / 60_000_000_000L + "mins";
        if (nanos % 1_000_000_000L == 0) return nanos / 1_000_000_000L + "secs";
        if (nanos % 1_000_000L == 0) return nanos / 1_000_000L + "ms";
        return nanos + "ns";
    }
}
