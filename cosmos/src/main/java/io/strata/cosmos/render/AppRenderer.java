package io.strata.cosmos.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.universe.UniversePackage;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A package and options to the Marathon app Cosmos would post: defaults merged with the options, validated
 * against {@code config.json}, the template rendered over them (with the package's {@code resource.json} under
 * {@code resource}), the template's labels kept and the {@code DCOS_PACKAGE_*} labels set, the id replaced by
 * {@code appId} when one is given. Pure: no I/O.
 */
public final class AppRenderer {
    private AppRenderer() {}

    /** The options the template sees: config defaults, then the user's options. Validated. */
    public static ObjectNode mergedOptions(UniversePackage pkg, ObjectNode userOptions) {
        ObjectNode merged = Options.merge(Options.defaults(pkg.config().orElse(null)), userOptions);
        Optional<ObjectNode> schema = pkg.config();
        if (!merged.isEmpty()) {
            if (schema.isEmpty()) throw CosmosError.optionsNotAllowed();
            ArrayNode errors;
            try {
                errors = OptionsValidator.validate(schema.get(), merged);
            } catch (RuntimeException e) {
                if (e instanceof CosmosError ce) throw ce;
                throw new CosmosError("PackageFileSchemaMismatch", 400,
                        "Package [" + pkg.name() + "] has a config.json that is not a usable JSON Schema: " + e.getMessage(), null);
            }
            if (!errors.isEmpty()) throw CosmosError.jsonSchemaMismatch(errors);
        }
        return merged;
    }

    /** The Marathon app, or empty when the package has no Marathon template (a CLI-only package). */
    public static Optional<ObjectNode> render(UniversePackage pkg, String sourceUri, ObjectNode userOptions, String appId) {
        ObjectNode merged = mergedOptions(pkg, userOptions);
        Optional<String> template = pkg.marathonTemplate();
        if (template.isEmpty()) return Optional.empty();
        ObjectNode context = merged;
        if (pkg.resource().isPresent()) {
            ObjectNode withResource = Json.object();
            withResource.set("resource", pkg.resource().get());
            context = Options.merge(merged, withResource);
        }
        ObjectNode app = TemplateRenderer.render(template.get(), context);
        Map<String, String> labels = new LinkedHashMap<>(templateLabels(app));
        labels.putAll(PackageLabels.of(pkg, sourceUri, userOptions));
        ObjectNode labelNode = Json.object();
        labels.forEach(labelNode::put);
        if (appId != null) app.put("id", normalizeAppId(appId));
        app.set("labels", labelNode);
        return Optional.of(app);
    }

    /** Marathon requires labels to be strings; say so here rather than let Marathon refuse it obscurely. */
    static Map<String, String> templateLabels(ObjectNode app) {
        Map<String, String> out = new LinkedHashMap<>();
        JsonNode labels = app.get("labels");
        if (labels == null || labels.isNull()) return out;
        if (!labels.isObject()) throw decodingError(app);
        var it = labels.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!e.getValue().isTextual()) throw decodingError(app);
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    private static CosmosError decodingError(ObjectNode app) {
        ObjectNode d = Json.object();
        d.put("typeName", "Map[String,String]");
        d.put("decodingErrorMessage", "labels must be an object of strings");
        d.put("decodeInput", app.toString());
        return new CosmosError("JsonDecodingError", 400, "Unable to decode the JSON value as a Map[String,String]", d);
    }

    /** Marathon's absolute form: {@code foo} is {@code /foo}. */
    public static String normalizeAppId(String id) {
        return id.startsWith("/") ? id : "/" + id;
    }
}
