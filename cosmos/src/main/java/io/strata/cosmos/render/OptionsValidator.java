package io.strata.cosmos.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.strata.common.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Validates options against a package's {@code config.json} with JSON Schema draft 4 (what Universe writes) and
 * reports each violation as Cosmos' validator does: {@code level}, {@code schema.pointer}, {@code instance.pointer}
 * (the JSON Pointer of the bad option, e.g. {@code /service/name}), {@code keyword} and {@code message}.
 * References are resolved inside the schema only; a schema that points elsewhere is refused, so rendering never
 * fetches anything.
 */
public final class OptionsValidator {
    /**
     * Draft 4, with keywords it does not know (packages carry their own, such as {@code media}) taken as
     * annotations, quietly, as Cosmos' validator does.
     */
    private static final JsonSchemaFactory FACTORY;

    static {
        JsonMetaSchema v4 = JsonMetaSchema.builder(JsonMetaSchema.getV4())
                .unknownKeywordFactory((keyword, context) -> new AnnotationKeyword(keyword)).build();
        FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4, b -> b.metaSchema(v4).defaultMetaSchemaIri(v4.getIri()));
    }
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .pathType(PathType.JSON_POINTER).locale(Locale.ENGLISH).formatAssertionsEnabled(false).build();

    private OptionsValidator() {}

    /** The violations; empty when the options are valid. */
    public static ArrayNode validate(JsonNode schema, JsonNode options) {
        ObjectNode clean = schema.deepCopy();
        // the draft is fixed to 4; these would make the validator look for a meta-schema or base URI elsewhere
        clean.remove("$schema");
        clean.remove("id");
        checkRefs(clean);
        JsonSchema compiled = FACTORY.getSchema(clean, CONFIG);
        Set<ValidationMessage> messages = compiled.validate(options);
        List<ValidationMessage> sorted = new ArrayList<>(messages);
        sorted.sort(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                .thenComparing(ValidationMessage::getType).thenComparing(ValidationMessage::getMessage));
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (ValidationMessage m : sorted) {
            ObjectNode e = out.addObject();
            e.put("level", "error");
            String schemaPointer = m.getEvaluationPath() == null ? "" : m.getEvaluationPath().toString();
            String keyword = m.getType();
            if (keyword != null && schemaPointer.endsWith("/" + keyword)) {
                schemaPointer = schemaPointer.substring(0, schemaPointer.length() - keyword.length() - 1);
            }
            e.putObject("schema").put("loadingURI", "#").put("pointer", schemaPointer);
            e.putObject("instance").put("pointer", m.getInstanceLocation().toString());
            e.put("domain", "validation");
            e.put("keyword", keyword);
            e.put("message", stripLocation(m));
            if ("required".equals(keyword) && m.getProperty() != null) {
                e.putArray("missing").add(m.getProperty());
            }
        }
        return out;
    }

    /** networknt prefixes its messages with the instance location; Cosmos' messages do not carry it. */
    private static String stripLocation(ValidationMessage m) {
        String msg = m.getMessage();
        String loc = m.getInstanceLocation().toString();
        if (msg.startsWith(loc + ": ")) return msg.substring(loc.length() + 2);
        return msg;
    }

    private static void checkRefs(JsonNode node) {
        if (node.isObject()) {
            JsonNode ref = node.get("$ref");
            if (ref != null && (!ref.isTextual() || !ref.asText().startsWith("#"))) {
                throw new IllegalArgumentException("config.json refers outside itself ($ref " + ref + "); only local references are supported");
            }
            Iterator<JsonNode> it = node.elements();
            while (it.hasNext()) checkRefs(it.next());
        } else if (node.isArray()) {
            node.forEach(OptionsValidator::checkRefs);
        }
    }
}
