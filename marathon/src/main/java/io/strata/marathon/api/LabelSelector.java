package io.strata.marathon.api;

import io.strata.marathon.validation.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Marathon's {@code label} filter: comma-separated selectors, each {@code key}, {@code key==value},
 * {@code key!=value}, {@code key in (a, b)} or {@code key notin (a, b)}. Terms are letters, digits, '.', '-', '_';
 * any other character must be escaped with a backslash.
 */
final class LabelSelector {
    private final String in;
    private int pos;

    private LabelSelector(String in) {
        this.in = in;
    }

    static Predicate<Map<String, String>> parse(String query) {
        LabelSelector p = new LabelSelector(query);
        try {
            List<Predicate<Map<String, String>>> all = new ArrayList<>();
            p.ws();
            if (p.pos < p.in.length()) {
                all.add(p.selector());
                p.ws();
                while (p.pos < p.in.length() && p.in.charAt(p.pos) == ',') {
                    p.pos++;
                    all.add(p.selector());
                    p.ws();
                }
            }
            if (p.pos != p.in.length()) throw new IllegalArgumentException("unexpected '" + p.in.substring(p.pos) + "'");
            return labels -> all.stream().allMatch(s -> s.test(labels));
        } catch (IllegalArgumentException e) {
            throw ApiException.message(422, "Can not parse label selector " + query + ". Reason: " + e.getMessage());
        }
    }

    private Predicate<Map<String, String>> selector() {
        ws();
        String key = term();
        ws();
        if (in.startsWith("==", pos) || in.startsWith("!=", pos)) {
            boolean eq = in.charAt(pos) == '=';
            pos += 2;
            ws();
            String value = term();
            return labels -> labels.containsKey(key) && (eq == value.equals(labels.get(key)));
        }
        if (in.startsWith("notin", pos) || in.startsWith("in", pos)) {
            boolean notin = in.startsWith("notin", pos);
            pos += notin ? 5 : 2;
            ws();
            expect('(');
            List<String> set = new ArrayList<>();
            ws();
            if (in.charAt(pos) != ')') {
                set.add(term());
                ws();
                while (in.charAt(pos) == ',') {
                    pos++;
                    ws();
                    set.add(term());
                    ws();
                }
            }
            expect(')');
            return labels -> labels.containsKey(key) && (notin != set.contains(labels.get(key)));
        }
        return labels -> labels.containsKey(key);
    }

    private String term() {
        StringBuilder sb = new StringBuilder();
        while (pos < in.length()) {
            char c = in.charAt(pos);
            if (c == '\\' && pos + 1 < in.length()) {
                sb.append(in.charAt(pos + 1));
                pos += 2;
            } else if (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_') {
                sb.append(c);
                pos++;
            } else {
                break;
            }
        }
        if (sb.isEmpty()) throw new IllegalArgumentException("expected a term at position " + pos);
        return sb.toString();
    }

    private void expect(char c) {
        if (pos >= in.length() || in.charAt(pos) != c) throw new IllegalArgumentException("expected '" + c + "' at position " + pos);
        pos++;
    }

    private void ws() {
        while (pos < in.length() && in.charAt(pos) == ' ') pos++;
    }
}
