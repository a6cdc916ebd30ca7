package io.strata.cosmos.render;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.api.MediaTypes;
import io.strata.cosmos.universe.UniversePackage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The {@code DCOS_PACKAGE_*} labels an installed app carries, how Cosmos writes them and how they are read back
 * for {@code /package/list}. Current Cosmos writes {@code NAME}, {@code VERSION}, {@code SOURCE} (the repository
 * URI), {@code OPTIONS} (the user's options, base64 JSON) and {@code DEFINITION} (a storage envelope: base64 of
 * {@code {"metadata": {"Content-Type": <universe package type>, "Content-Encoding": "gzip"}, "data": <base64 gzip
 * of the package JSON>}}). The labels older Cosmos wrote ({@code METADATA}, {@code REGISTRY_VERSION},
 * {@code RELEASE}, {@code IS_FRAMEWORK}, {@code COMMAND}) are written too, for older tools that read them.
 */
public final class PackageLabels {
    public static final String NAME = "DCOS_PACKAGE_NAME";
    public static final String VERSION = "DCOS_PACKAGE_VERSION";
    public static final String SOURCE = "DCOS_PACKAGE_SOURCE";
    public static final String OPTIONS = "DCOS_PACKAGE_OPTIONS";
    public static final String DEFINITION = "DCOS_PACKAGE_DEFINITION";
    public static final String METADATA = "DCOS_PACKAGE_METADATA";
    public static final String REGISTRY_VERSION = "DCOS_PACKAGE_REGISTRY_VERSION";
    public static final String RELEASE = "DCOS_PACKAGE_RELEASE";
    public static final String IS_FRAMEWORK = "DCOS_PACKAGE_IS_FRAMEWORK";
    public static final String COMMAND = "DCOS_PACKAGE_COMMAND";
    public static final String FRAMEWORK_NAME = "DCOS_PACKAGE_FRAMEWORK_NAME";

    private PackageLabels() {}

    /** The labels Cosmos sets on every install; they override whatever the template wrote under the same keys. */
    public static Map<String, String> of(UniversePackage pkg, String sourceUri, ObjectNode userOptions) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, pkg.name());
        labels.put(VERSION, pkg.version());
        labels.put(SOURCE, sourceUri);
        labels.put(OPTIONS, base64Json(userOptions == null ? Json.object() : userOptions));
        labels.put(DEFINITION, envelope(pkg));
        labels.put(METADATA, base64Json(metadata(pkg)));
        labels.put(REGISTRY_VERSION, pkg.packagingVersion());
        labels.put(RELEASE, Long.toString(pkg.releaseVersion()));
        labels.put(IS_FRAMEWORK, Boolean.toString(pkg.framework()));
        JsonNode command = pkg.json().get("command");
        if (command != null && !command.isNull()) labels.put(COMMAND, base64Json(command));
        return labels;
    }

    /** The package's metadata: the definition without the template, the schema, the resource and the command. */
    public static ObjectNode metadata(UniversePackage pkg) {
        ObjectNode m = pkg.json().deepCopy();
        for (String f : new String[] {"marathon", "config", "resource", "command", "releaseVersion"}) m.remove(f);
        pkg.images().ifPresent(images -> m.set("images", images));
        return m;
    }

    static String base64Json(JsonNode json) {
        return Base64.getEncoder().encodeToString(withoutNulls(json).toString().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonNode withoutNulls(JsonNode n) {
        if (n instanceof ObjectNode o) {
            ObjectNode copy = Json.object();
            o.fields().forEachRemaining(e -> {
                if (!e.getValue().isNull()) copy.set(e.getKey(), withoutNulls(e.getValue()));
            });
            return copy;
        }
        return n;
    }

    /** The storage envelope of the package definition, base64. */
    public static String envelope(UniversePackage pkg) {
        ObjectNode env = Json.object();
        ObjectNode meta = env.putObject("metadata");
        meta.put("Content-Type", MediaTypes.universePackage(pkg.packagingMajor()).toString());
        meta.put("Content-Encoding", "gzip");
        env.put("data", Base64.getEncoder().encodeToString(gzip(pkg.definition().toString().getBytes(StandardCharsets.UTF_8))));
        return Base64.getEncoder().encodeToString(env.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The package definition stored in an app's labels ({@code DEFINITION}, else the older {@code METADATA}). */
    public static Optional<ObjectNode> readDefinition(Map<String, String> labels) {
        String def = labels.get(DEFINITION);
        try {
            if (def != null) {
                JsonNode env = Json.read(Base64.getDecoder().decode(def));
                byte[] data = Base64.getDecoder().decode(env.path("data").asText());
                if ("gzip".equalsIgnoreCase(env.path("metadata").path("Content-Encoding").asText())) data = gunzip(data);
                if (Json.read(data) instanceof ObjectNode o) return Optional.of(o);
            }
            String meta = labels.get(METADATA);
            if (meta != null && Json.read(Base64.getDecoder().decode(meta)) instanceof ObjectNode o) return Optional.of(o);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] gunzip(byte[] bytes) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readNBytes(64 * 1024 * 1024);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
