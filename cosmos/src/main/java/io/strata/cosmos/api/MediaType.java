package io.strata.cosmos.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A media type such as {@code application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1}.
 * Type, subtype and parameter names compare case-insensitively; Cosmos' rule for compatibility is that the
 * expected type's parameters (except {@code q}) are a subset of the actual one's.
 */
public record MediaType(String type, String subtype, Map<String, String> parameters) {

    public MediaType {
        type = type.toLowerCase(Locale.ROOT);
        subtype = subtype.toLowerCase(Locale.ROOT);
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A vendor JSON type with charset and version, as Cosmos names its request and response bodies. */
    public static MediaType vnd(String kind, int version) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("charset", "utf-8");
        p.put("version", "v" + version);
        return new MediaType("application", "vnd.dcos." + kind + "+json", p);
    }

    /** Parses one media type; empty when the text is not one. */
    public static Optional<MediaType> parse(String text) {
        if (text == null) return Optional.empty();
        String[] parts = text.split(";");
        String full = parts[0].strip();
        int slash = full.indexOf('/');
        if (slash <= 0 || slash == full.length() - 1 || full.indexOf('/', slash + 1) >= 0 || full.contains(" ")) {
            return Optional.empty();
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            if (eq <= 0) return Optional.empty();
            String value = p.substring(eq + 1).strip();
            if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) value = value.substring(1, value.length() - 1);
            params.put(p.substring(0, eq).strip().toLowerCase(Locale.ROOT), value);
        }
        return Optional.of(new MediaType(full.substring(0, slash), full.substring(slash + 1), params));
    }

    /** An Accept header: comma separated media types; unparseable entries are dropped. */
    public static List<MediaType> parseList(String header) {
        List<MediaType> out = new ArrayList<>();
        if (header == null) return out;
        for (String part : header.split(",")) parse(part).ifPresent(out::add);
        return out;
    }

    public double q() {
        String q = parameters.get("q");
        if (q == null) return 1.0;
        try {
            return Double.parseDouble(q);
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    /** True when {@code actual} is this type with at least this type's parameters (q ignored). */
    public boolean accepts(MediaType actual) {
        if (!type.equals(actual.type) || !subtype.equals(actual.subtype)) return false;
        for (var e : parameters.entrySet()) {
            if (e.getKey().equals("q")) continue;
            String v = actual.parameters.get(e.getKey());
            if (v == null || !v.equalsIgnoreCase(e.getValue())) return false;
        }
        return true;
    }

    private int specificity() {
        return (int) parameters.keySet().stream().filter(k -> !k.equals("q")).count();
    }

    /**
     * Picks what to answer for an Accept header, as Cosmos does: the client's types by q (highest first, then the
     * most parameters), the first one that one of {@code available} satisfies. Wildcards are not matched, as in
     * Cosmos: clients name the versioned type they understand.
     */
    public static Optional<MediaType> negotiate(List<MediaType> accepted, List<MediaType> available) {
        List<MediaType> ranked = new ArrayList<>(accepted.stream().filter(m -> m.q() > 0).toList());
        ranked.sort((a, b) -> {
            int c = Double.compare(b.q(), a.q());
            return c != 0 ? c : Integer.compare(b.specificity(), a.specificity());
        });
        for (MediaType want : ranked) {
            for (MediaType have : available) {
                if (want.accepts(have)) return Optional.of(have);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(type).append('/').append(subtype);
        parameters.forEach((k, v) -> b.append(';').append(k).append('=').append(v));
        return b.toString();
    }
}
