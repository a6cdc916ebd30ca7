package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.marathon.validation.Violations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * Typed access to a JSON tree that records schema errors the way Marathon (Play JSON) names them: a missing
 * required field is {@code error.path.missing}, a wrong type {@code error.expected.jsstring} /
 * {@code jsnumber} / {@code jsboolean} / {@code jsarray} / {@code jsobject}, a fractional number where an integer
 * belongs {@code error.expected.int}, out of range {@code error.min} / {@code error.max}, a pattern mismatch
 * {@code error.pattern}, an unknown enum value {@code error.unknown.enum.literal}. JSON {@code null} counts as absent.
 */
public final class JsonIn {
    private final Violations errors = new Violations();

    public Violations errors() {
        return errors;
    }

    public void error(String path, String message) {
        errors.add(path, message);
    }

    /** The field, or null when absent or JSON null. */
    public static JsonNode get(JsonNode obj, String name) {
        JsonNode v = obj == null ? null : obj.get(name);
        return v == null || v.isNull() ? null : v;
    }

    public static boolean has(JsonNode obj, String name) {
        return get(obj, name) != null;
    }

    public String string(JsonNode obj, String name, String path) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isTextual()) {
            error(path + "/" + name, "error.expected.jsstring");
            return null;
        }
        return v.asText();
    }

    public String requiredString(JsonNode obj, String name, String path) {
        if (get(obj, name) == null) {
            error(path + "/" + name, "error.path.missing");
            return null;
        }
        return string(obj, name, path);
    }

    /** A string with a minimum length and optional pattern. */
    public String string(JsonNode obj, String name, String path, int minLength, Pattern pattern) {
        String s = string(obj, name, path);
        if (s == null) return null;
        if (s.length() < minLength) {
            error(path + "/" + name, "error.minLength");
            return null;
        }
        if (pattern != null && !pattern.matcher(s).matches()) {
            error(path + "/" + name, "error.pattern");
            return null;
        }
        return s;
    }

    public Double number(JsonNode obj, String name, String path, Double min, Double max) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isNumber()) {
            error(path + "/" + name, "error.expected.jsnumber");
            return null;
        }
        double d = v.asDouble();
        if (min != null && d < min) {
            error(path + "/" + name, "error.min");
            return null;
        }
        if (max != null && d > max) {
            error(path + "/" + name, "error.max");
            return null;
        }
        return d;
    }

    public Integer integer(JsonNode obj, String name, String path, Integer min, Integer max) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        return integerValue(v, path + "/" + name, min, max);
    }

    public Integer integerValue(JsonNode v, String at, Integer min, Integer max) {
        if (!v.isNumber()) {
            error(at, "error.expected.jsnumber");
            return null;
        }
        if (!(v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble())) || !v.canConvertToInt()) {
            error(at, "error.expected.int");
            return null;
        }
        int i = v.asInt();
        if (min != null && i < min) {
            error(at, "error.min");
            return null;
        }
        if (max != null && i > max) {
            error(at, "error.max");
            return null;
        }
        return i;
    }

    public Long longValue(JsonNode obj, String name, String path, Long min) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        String at = path + "/" + name;
        if (!v.isNumber()) {
            error(at, "error.expected.jsnumber");
            return null;
        }
        if (!(v.isIntegralNumber() || v.asDouble() == Math.rint(v.asDouble())) || !v.canConvertToLong()) {
            error(at, "error.expected.long");
            return null;
        }
        long l = v.asLong();
        if (min != null && l < min) {
            error(at, "error.min");
            return null;
        }
        return l;
    }

    public Boolean bool(JsonNode obj, String name, String path) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isBoolean()) {
            error(path + "/" + name, "error.expected.jsboolean");
            return null;
        }
        return v.asBoolean();
    }

    /** An enum given case-insensitively, returned in its canonical spelling from {@code values}. */
    public String enumValue(JsonNode obj, String name, String path, List<String> values) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isTextual()) {
            error(path + "/" + name, "error.unknown.enum.literal");
            return null;
        }
        String s = v.asText().toLowerCase(Locale.ROOT);
        for (String c : values) if (c.toLowerCase(Locale.ROOT).equals(s)) return c;
        error(path + "/" + name, "error.unknown.enum.literal");
        return null;
    }

    public JsonNode object(JsonNode obj, String name, String path) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isObject()) {
            error(path + "/" + name, "error.expected.jsobject");
            return null;
        }
        return v;
    }

    public JsonNode array(JsonNode obj, String name, String path) {
        JsonNode v = get(obj, name);
        if (v == null) return null;
        if (!v.isArray()) {
            error(path + "/" + name, "error.expected.jsarray");
            return null;
        }
        return v;
    }

    /** Reads each element of an array field with {@code item(element, elementPath)}; null when absent. */
    public <T> List<T> list(JsonNode obj, String name, String path, BiFunction<JsonNode, String, T> item) {
        JsonNode a = array(obj, name, path);
        if (a == null) return null;
        List<T> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            T t = item.apply(a.get(i), path + "/" + name + "(" + i + ")");
            if (t != null) out.add(t);
        }
        return out;
    }

    public List<String> stringList(JsonNode obj, String name, String path) {
        return list(obj, name, path, (v, at) -> {
            if (!v.isTextual()) {
                error(at, "error.expected.jsstring");
                return null;
            }
            return v.asText();
        });
    }

    /** A JSON object of string values (labels). */
    public Map<String, String> stringMap(JsonNode obj, String name, String path) {
        JsonNode o = object(obj, name, path);
        if (o == null) return null;
        Map<String, String> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) error(path + "/" + name + "/" + e.getKey(), "error.expected.jsstring");
            else out.put(e.getKey(), e.getValue().asText());
        });
        return out;
    }
}
