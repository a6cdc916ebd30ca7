package io.strata.cosmos.universe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One package release as a Universe repository lists it: {@code packagingVersion}, {@code name},
 * {@code version}, {@code releaseVersion}, the metadata, {@code marathon.v2AppMustacheTemplate} (base64),
 * {@code config} (a JSON Schema), {@code resource}, {@code command}. Kept as the JSON it came in, so fields
 * this code does not know pass through to describe and to the stored package definition untouched.
 */
public record UniversePackage(ObjectNode json) {
    public static final Set<String> PACKAGING_VERSIONS = Set.of("2.0", "3.0", "4.0", "5.0");
    /** Universe's rule for package names (repo/meta/schema): lower-case letters, digits and dashes. */
    private static final Pattern NAME = Pattern.compile("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$");

    /**
     * Checks the fields every packaging version requires and returns the package; the message of the
     * {@link IllegalArgumentException} says which field of which package is wrong.
     */
    public static UniversePackage of(JsonNode node) {
        if (!(node instanceof ObjectNode o)) throw new IllegalArgumentException("a package must be a JSON object");
        String name = text(o, "name");
        if (name == null) throw new IllegalArgumentException("a package has no 'name'");
        if (!NAME.matcher(name).matches() || name.length() > 253) {
            throw new IllegalArgumentException("package name '" + name + "' is not lower-case letters, digits and dashes");
        }
        String pv = text(o, "packagingVersion");
        if (pv == null || !PACKAGING_VERSIONS.contains(pv)) {
            throw new IllegalArgumentException("package '" + name + "': packagingVersion must be one of 2.0, 3.0, 4.0, 5.0, got " + o.get("packagingVersion"));
        }
        for (String field : new String[] {"version", "maintainer", "description"}) {
            if (text(o, field) == null) throw new IllegalArgumentException("package '" + name + "': missing '" + field + "'");
        }
        JsonNode rv = o.get("releaseVersion");
        // Universe's schema lets a 2.0 package leave it out; Cosmos reads those as release 0
        if (rv == null && pv.equals("2.0")) rv = com.fasterxml.jackson.databind.node.IntNode.valueOf(0);
        if (rv == null || !(rv.canConvertToLong() || rv.isTextual() && rv.asText().matches("\\d{1,18}")) || rv.asLong() < 0) {
            throw new IllegalArgumentException("package '" + name + "': releaseVersion must be a non-negative integer, got " + rv);
        }
        long release = rv.asLong();
        // one numeric form whatever the source wrote ("7", 7, 7L), so equal packages compare equal
        if (release <= Integer.MAX_VALUE) o.put("releaseVersion", (int) release);
        else o.put("releaseVersion", release);
        JsonNode tpl = o.path("marathon").get("v2AppMustacheTemplate");
        if (tpl != null) {
            if (!tpl.isTextual()) throw new IllegalArgumentException("package '" + name + "': marathon.v2AppMustacheTemplate must be a base64 string");
            try {
                Base64.getDecoder().decode(tpl.asText());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("package '" + name + "': marathon.v2AppMustacheTemplate is not base64");
            }
        }
        JsonNode config = o.get("config");
        if (config != null && !config.isObject()) throw new IllegalArgumentException("package '" + name + "': config must be a JSON object");
        JsonNode resource = o.get("resource");
        if (resource != null && !resource.isObject()) throw new IllegalArgumentException("package '" + name + "': resource must be a JSON object");
        JsonNode tags = o.get("tags");
        if (tags != null && !tags.isArray()) throw new IllegalArgumentException("package '" + name + "': tags must be an array");
        return new UniversePackage(o);
    }

    private static String text(JsonNode o, String field) {
        JsonNode n = o.get(field);
        return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }

    public String name() {
        return json.path("name").asText();
    }

    public String version() {
        return json.path("version").asText();
    }

    public long releaseVersion() {
        return json.path("releaseVersion").asLong();
    }

    public String packagingVersion() {
        return json.path("packagingVersion").asText();
    }

    /** 2, 3, 4 or 5: the version of the package media type. */
    public int packagingMajor() {
        return Integer.parseInt(packagingVersion().substring(0, 1));
    }

    public String description() {
        return json.path("description").asText();
    }

    public String maintainer() {
        return json.path("maintainer").asText();
    }

    public List<String> tags() {
        List<String> out = new ArrayList<>();
        json.path("tags").forEach(t -> out.add(t.asText()));
        return out;
    }

    public boolean selected() {
        return json.path("selected").asBoolean(false);
    }

    public boolean framework() {
        return json.path("framework").asBoolean(false);
    }

    public Optional<String> postInstallNotes() {
        return Optional.ofNullable(text(json, "postInstallNotes"));
    }

    public Optional<String> postUninstallNotes() {
        return Optional.ofNullable(text(json, "postUninstallNotes"));
    }

    /** The decoded {@code marathon.json.mustache}, when the package has one. */
    public Optional<String> marathonTemplate() {
        JsonNode t = json.path("marathon").get("v2AppMustacheTemplate");
        if (t == null || !t.isTextual()) return Optional.empty();
        return Optional.of(new String(Base64.getDecoder().decode(t.asText()), StandardCharsets.UTF_8));
    }

    public Optional<ObjectNode> config() {
        return json.get("config") instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    }

    public Optional<ObjectNode> resource() {
        return json.get("resource") instanceof ObjectNode o ? Optional.of(o) : Optional.empty();
    }

    public Optional<JsonNode> images() {
        JsonNode images = json.path("resource").get("images");
        if (images == null) images = json.get("images");
        return Optional.ofNullable(images);
    }

    /** The JSON in the package definition's canonical form (releaseVersion as a number). */
    public ObjectNode definition() {
        return json.deepCopy();
    }
}
