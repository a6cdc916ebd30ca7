package io.strata.cosmos.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import com.github.mustachejava.TemplateFunction;
import io.strata.common.json.Json;
import io.strata.cosmos.api.CosmosError;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders {@code marathon.json.mustache} over a JSON context the way Cosmos does, so packages written for DC/OS
 * render the same: no HTML escaping; strings are JSON-escaped (so a value with a quote or newline keeps the
 * JSON valid) without their quotes, except inside arrays where they keep them; whole numbers render without a
 * fraction; {@code {{#asJson}}path.to.value{{/asJson}}} writes a value as JSON. The result must be a JSON object.
 */
public final class TemplateRenderer {
    private TemplateRenderer() {}

    private static final class RawFactory extends DefaultMustacheFactory {
        /** Partials ({@code {{> name}}}) would read files of this machine into the app; a package has none. */
        @Override
        public java.io.Reader getReader(String resourceName) {
            throw new MustacheException("partials are not supported ({{> " + resourceName + "}})");
        }

        @Override
        public void encode(String value, Writer writer) {
            try {
                writer.write(value);
            } catch (java.io.IOException e) {
                throw new MustacheException(e);
            }
        }
    }

    /** The rendered text, before it is parsed. */
    public static String renderText(String template, ObjectNode context) {
        Mustache mustache;
        try {
            mustache = new RawFactory().compile(new StringReader(template), "marathon.json.mustache");
        } catch (MustacheException e) {
            throw new CosmosError("MustacheTemplateError", 400, "marathon.json.mustache does not compile: " + e.getMessage(), null);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> scope = (Map<String, Object>) toJava(context, false);
        scope.put("asJson", (TemplateFunction) path -> Json.write(lookup(context, path.strip())));
        StringWriter out = new StringWriter();
        try {
            mustache.execute(out, scope).flush();
        } catch (MustacheException | java.io.IOException e) {
            throw new CosmosError("MustacheTemplateError", 400, "marathon.json.mustache does not render: " + e.getMessage(), null);
        }
        return out.toString();
    }

    /** Renders and parses: the Marathon app JSON. */
    public static ObjectNode render(String template, ObjectNode context) {
        String text = renderText(template, context);
        JsonNode parsed;
        try {
            parsed = Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            String reason = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
            throw CosmosError.jsonParsingError("io.circe.ParsingFailure", reason, text);
        }
        if (!(parsed instanceof ObjectNode o)) throw CosmosError.templateMustBeJsonObject();
        return o;
    }

    private static JsonNode lookup(JsonNode context, String path) {
        JsonNode n = context;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : n;
    }

    static Object toJava(JsonNode n, boolean inArray) {
        if (n == null || n.isNull() || n.isMissingNode()) return null;
        if (n.isBoolean()) return n.booleanValue();
        if (n.isNumber()) {
            if (n.isIntegralNumber()) return n.bigIntegerValue();
            java.math.BigDecimal d = n.decimalValue();
            if (d.signum() == 0 || d.stripTrailingZeros().scale() <= 0) return d.toBigInteger();
            return n.doubleValue();
        }
        if (n.isTextual()) {
            String quoted = Json.write(n.textValue());
            return inArray ? quoted : quoted.substring(1, quoted.length() - 1);
        }
        if (n.isArray()) {
            List<Object> list = new ArrayList<>();
            for (JsonNode c : n) list.add(toJava(c, true));
            return list;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            map.put(e.getKey(), toJava(e.getValue(), false));
        }
        return map;
    }

}
