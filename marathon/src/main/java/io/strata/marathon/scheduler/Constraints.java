package io.strata.marathon.scheduler;

import io.strata.marathon.model.Constraint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Marathon's placement constraints, evaluated for one candidate agent against where the app's instances already
 * are. A field is {@code hostname} or an agent attribute; an agent without the attribute does not match.
 * <ul>
 *   <li>{@code UNIQUE}: no instance has the same value;</li>
 *   <li>{@code CLUSTER v}: the value is v (without v: the same as the instances already placed);</li>
 *   <li>{@code GROUP_BY [n]}: a value no instance has yet, or once n values are in use one of the least used;</li>
 *   <li>{@code LIKE re} / {@code UNLIKE re}: the value (fully) matches / does not match the regex;</li>
 *   <li>{@code MAX_PER n}: fewer than n instances have the value;</li>
 *   <li>{@code IS v}: the value is exactly v.</li>
 * </ul>
 */
public final class Constraints {
    private Constraints() {}

    /** Where an instance (or the candidate) runs: host name and attribute values as text. */
    public record Placement(String hostname, Map<String, String> attributes) {
        public Optional<String> value(String field) {
            if (field.equals("hostname") || field.equals("@hostname")) return Optional.ofNullable(hostname);
            return Optional.ofNullable(attributes.get(field));
        }
    }

    public static boolean meets(List<Constraint> constraints, Placement candidate, List<Placement> placed) {
        for (Constraint c : constraints) if (!meets(c, candidate, placed)) return false;
        return true;
    }

    public static boolean meets(Constraint c, Placement candidate, List<Placement> placed) {
        Optional<String> value = candidate.value(c.field());
        if (value.isEmpty()) return false;
        String v = value.get();
        Map<String, Integer> counts = new HashMap<>();
        for (Placement p : placed) p.value(c.field()).ifPresent(x -> counts.merge(x, 1, Integer::sum));
        int mine = counts.getOrDefault(v, 0);
        return switch (c.operator()) {
            case "UNIQUE" -> mine == 0;
            case "CLUSTER" -> c.value() != null && !c.value().isEmpty() ? v.equals(c.value())
                    : counts.isEmpty() || counts.containsKey(v);
            case "GROUP_BY" -> {
                int minimumGroups = c.value() == null ? 0 : Math.max(0, Integer.parseInt(c.value()));
                int minCount = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
                yield !counts.containsKey(v) || (counts.size() >= minimumGroups && mine == minCount);
            }
            case "LIKE" -> Pattern.compile(c.value()).matcher(v).matches();
            case "UNLIKE" -> !Pattern.compile(c.value()).matcher(v).matches();
            case "MAX_PER" -> mine < Integer.parseInt(c.value());
            case "IS" -> v.equals(c.value());
            default -> false;
        };
    }
}
