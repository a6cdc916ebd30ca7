package io.strata.marathon.validation;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Errors found in a request body, grouped by path in Marathon's syntax ({@code /healthChecks(0)/portIndex},
 * {@code /} for the whole object). Two kinds share the shape: schema errors ({@code "Invalid JSON"}, Play's error
 * keys such as {@code error.expected.jsnumber}) and semantic ones ({@code "Object is not valid"}).
 */
public final class Violations {
    public static final String INVALID_JSON = "Invalid JSON";
    public static final String NOT_VALID = "Object is not valid";

    private final Map<String, List<String>> byPath = new LinkedHashMap<>();

    public void add(String path, String error) {
        List<String> l = byPath.computeIfAbsent(path == null || path.isEmpty() ? "/" : path, k -> new ArrayList<>());
        if (!l.contains(error)) l.add(error);
    }

    public void addAll(Violations other) {
        other.byPath.forEach((p, errs) -> errs.forEach(e -> add(p, e)));
    }

    /** Adds another set with every path put below {@code prefix} (e.g. "/apps(0)"). */
    public void addAll(String prefix, Violations other) {
        other.byPath.forEach((p, errs) -> errs.forEach(e -> add(p.equals("/") ? prefix : prefix + p, e)));
    }

    public boolean isEmpty() {
        return byPath.isEmpty();
    }

    public Map<String, List<String>> byPath() {
        return byPath;
    }

    public ObjectNode toJson(String message) {
        ObjectNode o = Json.object();
        o.put("message", message);
        ArrayNode details = o.putArray("details");
        byPath.forEach((p, errs) -> {
            ObjectNode d = details.addObject();
            d.put("path", p);
            ArrayNode a = d.putArray("errors");
            errs.forEach(a::add);
        });
        return o;
    }

    public void throwIfAny(String message) {
        if (!isEmpty()) throw new ApiException(422, toJson(message));
    }

    @Override
    public String toString() {
        return byPath.toString();
    }
}
