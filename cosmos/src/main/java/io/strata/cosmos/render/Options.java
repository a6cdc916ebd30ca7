package io.strata.cosmos.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.util.Iterator;
import java.util.Map;

/**
 * The options a package renders with: the defaults its {@code config.json} declares (found recursively through
 * {@code properties}), with the user's options merged over them object by object.
 */
public final class Options {
    private Options() {}

    /** The {@code default} of every property, nested as the properties are; objects without defaults are left out. */
    public static ObjectNode defaults(JsonNode schema) {
        ObjectNode out = Json.object();
        JsonNode props = schema == null ? null : schema.get("properties");
        if (props == null || !props.isObject()) return out;
        Iterator<Map.Entry<String, JsonNode>> it = props.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode prop = e.getValue();
            if (!prop.isObject()) continue;
            if (prop.has("default")) {
                out.set(e.getKey(), prop.get("default").deepCopy());
            } else if (prop.has("properties")) {
                ObjectNode nested = defaults(prop);
                if (!nested.isEmpty()) out.set(e.getKey(), nested);
            }
        }
        return out;
    }

    /** {@code over} merged onto a copy of {@code base}: objects merge key by key, anything else replaces. */
    public static ObjectNode merge(ObjectNode base, ObjectNode over) {
        ObjectNode out = base.deepCopy();
        if (over == null) return out;
        Iterator<Map.Entry<String, JsonNode>> it = over.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = out.get(e.getKey());
            if (mine instanceof ObjectNode mo && e.getValue() instanceof ObjectNode eo) {
                out.set(e.getKey(), merge(mo, eo));
            } else {
                out.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return out;
    }
}
