package io.strata.marathon.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Marathon path id such as {@code /prod/web}: names separated by slashes. Ids given by users may be relative
 * ({@code web}, {@code ../db}) and are resolved against a base with {@link #canonical(PathId)}. Once stored, every id
 * is absolute and canonical. Ordering is by segments, so a group sorts before its children.
 */
public final class PathId implements Comparable<PathId> {
    public static final PathId ROOT = new PathId(List.of(), true);

    /** One segment: DNS-label-like names joined by dots, or "." / "..". The same rule as Marathon's. */
    public static final Pattern SEGMENT =
            Pattern.compile("^(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])|(\\.|\\.\\.)$");
    /** The whole-id pattern of Marathon's RAML type PathId; a mismatch is a schema error ("error.pattern"). */
    public static final Pattern RAML_PATTERN = Pattern.compile(
            "^(/?((\\.\\.)|(([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9])\\.)*([a-z0-9]|[a-z0-9][a-z0-9\\-]*[a-z0-9]))?($|/))+$");
    public static final List<String> RESERVED = List.of("restart", "tasks", "versions", ".", "..");

    private final List<String> segments;
    private final boolean absolute;

    private PathId(List<String> segments, boolean absolute) {
        this.segments = List.copyOf(segments);
        this.absolute = absolute;
    }

    /** Parses without validating; leading slash means absolute, empty segments are dropped. */
    public static PathId parse(String raw) {
        String s = raw == null ? "" : raw.trim();
        boolean abs = s.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String p : s.split("/")) if (!p.isEmpty()) parts.add(p);
        return new PathId(parts, abs);
    }

    /** Parses and resolves against the root: what Marathon does with an id in a URL. */
    public static PathId of(String raw) {
        return parse(raw).canonical(ROOT);
    }

    public static PathId absolute(List<String> segments) {
        return new PathId(segments, true);
    }

    public List<String> segments() {
        return segments;
    }

    public boolean isAbsolute() {
        return absolute;
    }

    public boolean isRoot() {
        return segments.isEmpty();
    }

    /** Resolves "." and ".." and a relative id against {@code base} (which must be absolute). */
    public PathId canonical(PathId base) {
        List<String> in = new ArrayList<>();
        if (!absolute) in.addAll(base.segments);
        in.addAll(segments);
        List<String> out = new ArrayList<>();
        for (String s : in) {
            if (s.equals(".")) continue;
            if (s.equals("..")) {
                if (!out.isEmpty()) out.remove(out.size() - 1);
                continue;
            }
            out.add(s);
        }
        return new PathId(out, true);
    }

    public PathId parent() {
        if (segments.size() <= 1) return new PathId(List.of(), absolute);
        return new PathId(segments.subList(0, segments.size() - 1), absolute);
    }

    public PathId child(String name) {
        List<String> s = new ArrayList<>(segments);
        s.add(name);
        return new PathId(s, absolute);
    }

    public String name() {
        return segments.isEmpty() ? "" : segments.get(segments.size() - 1);
    }

    /** True when this id is {@code other} or lies below it. */
    public boolean isUnder(PathId other) {
        return segments.size() >= other.segments.size() && segments.subList(0, other.segments.size()).equals(other.segments);
    }

    /** Every ancestor from the root down to (excluding) this id. */
    public List<PathId> ancestors() {
        List<PathId> out = new ArrayList<>();
        for (int i = 0; i < segments.size(); i++) out.add(new PathId(segments.subList(0, i), true));
        return out;
    }

    /** Marathon's "safe path": segments joined by '_' (task and instance ids start with it). */
    public String safePath() {
        return String.join("_", segments);
    }

    /** Segments reversed and joined by '.', e.g. /prod/web becomes web.prod (the Mesos task name, Mesos-DNS name). */
    public String hostname() {
        List<String> r = new ArrayList<>(segments);
        Collections.reverse(r);
        return String.join(".", r);
    }

    @Override
    public int compareTo(PathId o) {
        int n = Math.min(segments.size(), o.segments.size());
        for (int i = 0; i < n; i++) {
            int c = segments.get(i).compareTo(o.segments.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(segments.size(), o.segments.size());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathId p && p.absolute == absolute && p.segments.equals(segments);
    }

    @Override
    public int hashCode() {
        return segments.hashCode() * 31 + (absolute ? 1 : 0);
    }

    @Override
    public String toString() {
        return (absolute ? "/" : "") + String.join("/", segments);
    }

    /** Marathon's id rules, as error messages (empty when valid): segment syntax and reserved last names. */
    public static List<String> violations(PathId id) {
        List<String> errors = new ArrayList<>();
        for (String s : id.segments) {
            if (!SEGMENT.matcher(s).matches()) {
                errors.add("must fully match regular expression '" + SEGMENT.pattern() + "'");
                break;
            }
        }
        if (!id.segments.isEmpty() && RESERVED.contains(id.name())) {
            errors.add("must not end with any of the following reserved keywords: " + String.join(", ", RESERVED));
        }
        return errors;
    }
}
