package io.strata.marathon.codec;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.PathId;
import io.strata.marathon.model.Timestamps;
import io.strata.marathon.model.VersionInfo;
import io.strata.marathon.validation.ApiException;
import io.strata.marathon.validation.Violations;
import java.time.Instant;

/** Entry points for turning JSON into apps: request bodies (with Marathon's errors) and stored records. */
public final class AppCodec {
    private AppCodec() {}

    /**
     * Reads one app from a request body. Throws {@link ApiException} 422 {@code "Invalid JSON"} on schema errors
     * and 422 {@code "Object is not valid"} when the deprecated and canonical fields contradict each other.
     */
    public static AppDefinition readRequest(JsonNode json, PathId base, PathId forcedId, String defaultRole) {
        JsonIn in = new JsonIn();
        Violations invalid = new Violations();
        AppDefinition app = new AppReader(in, invalid, defaultRole).read(json, "", base, forcedId);
        in.errors().throwIfAny(Violations.INVALID_JSON);
        invalid.throwIfAny(Violations.NOT_VALID);
        return app;
    }

    /** Reads an app we wrote ourselves (storage): version information included. */
    public static AppDefinition readStored(JsonNode json) {
        JsonIn in = new JsonIn();
        Violations invalid = new Violations();
        AppDefinition app = new AppReader(in, invalid, "*").read(json, "", PathId.ROOT, null);
        if (app == null || !in.errors().isEmpty()) {
            throw new IllegalStateException("stored app is not readable: " + in.errors() + " in " + json);
        }
        return app.withVersionInfo(versionInfo(json));
    }

    /** The version information written by {@link AppWriter}, or null. */
    public static VersionInfo versionInfo(JsonNode json) {
        JsonNode v = json.get("version");
        if (v == null || !v.isTextual()) return null;
        Instant version = Timestamps.parse(v.asText());
        JsonNode vi = json.get("versionInfo");
        if (vi == null || !vi.isObject()) return new VersionInfo(version, version, version);
        return new VersionInfo(version, Timestamps.parse(vi.path("lastScalingAt").asText(v.asText())),
                Timestamps.parse(vi.path("lastConfigChangeAt").asText(v.asText())));
    }
}
