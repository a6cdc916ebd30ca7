package io.strata.lb.render;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A template in marathon-lb's syntax (Python's {@code str.format}): {@code {name}} is replaced, {@code {{} and
 * {@code }}} stand for literal braces. A placeholder the caller does not supply, or an unbalanced brace, is a
 * {@link TemplateException} — the service whose label holds the template is skipped, not the whole configuration.
 * Parsed templates are cached (labels repeat across renders).
 */
public final class Template {
    private static final Map<String, Template> CACHE = new ConcurrentHashMap<>();
    private static final int CACHE_LIMIT = 10_000;

    /** Literal text, or a placeholder name when {@code name} is set. */
    private record Part(String text, String name) {}

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = parts;
    }

    public static Template of(String source) {
        Template t = CACHE.get(source);
        if (t != null) return t;
        t = new Template(source, parse(source));
        if (CACHE.size() < CACHE_LIMIT) CACHE.put(source, t);
        return t;
    }

    /** Fills {@code source} with {@code values}; see the class comment for errors. */
    public static String format(String source, Map<String, ?> values) {
        return of(source).format(values);
    }

    public String format(Map<String, ?> values) {
        StringBuilder out = new StringBuilder(source.length() + 32);
        for (Part p : parts) {
            if (p.name == null) {
                out.append(p.text);
            } else {
                if (!values.containsKey(p.name)) {
                    throw new TemplateException("unknown placeholder {" + p.name + "} (this template may use "
                            + String.join(", ", values.keySet().stream().sorted().map(k -> "{" + k + "}").toList()) + ")");
                }
                Object v = values.get(p.name);
                out.append(v == null ? "None" : v);
            }
        }
        return out.toString();
    }

    /**
     * Replaces {@code {name}} for the names in {@code values} and leaves every other character as written: for the
     * templates marathon-lb uses verbatim, whose braces belong to HAProxy ({@code if { ssl_fc }}).
     */
    public static String substitute(String source, Map<String, ?> values) {
        if (source.indexOf('{') < 0) return source;
        StringBuilder out = new StringBuilder(source.length() + 32);
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '{') {
                int end = source.indexOf('}', i + 1);
                if (end > 0) {
                    String name = source.substring(i + 1, end);
                    if (values.containsKey(name)) {
                        Object v = values.get(name);
                        out.append(v == null ? "" : v);
                        i = end + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Placeholder names in order of appearance. */
    public List<String> placeholders() {
        return parts.stream().filter(p -> p.name != null).map(Part::name).toList();
    }

    private static List<Part> parse(String s) {
        List<Part> parts = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '{') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '{') {
                    lit.append('{');
                    i += 2;
                    continue;
                }
                int end = s.indexOf('}', i + 1);
                if (end < 0) throw new TemplateException("single '{' without a closing '}' at offset " + i);
                String name = s.substring(i + 1, end);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw new TemplateException("unsupported placeholder {" + name + "} at offset " + i
                            + " (write {{ and }} for literal braces)");
                }
                if (!lit.isEmpty()) {
                    parts.add(new Part(lit.toString(), null));
                    lit.setLength(0);
                }
                parts.add(new Part(null, name));
                i = end + 1;
            } else if (c == '}') {
                if (i + 1 < s.length() && s.charAt(i + 1) == '}') {
                    lit.append('}');
                    i += 2;
                    continue;
                }
                throw new TemplateException("single '}' at offset " + i + " (write }} for a literal brace)");
            } else {
                lit.append(c);
                i++;
            }
        }
        if (!lit.isEmpty()) parts.add(new Part(lit.toString(), null));
        return List.copyOf(parts);
    }
}
