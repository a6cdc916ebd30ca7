package io.strata.cosmos.api;

/** The media types of the Cosmos API and of Universe repositories. */
public final class MediaTypes {
    private MediaTypes() {}

    public static MediaType pkg(String kind, int version) {
        return MediaType.vnd("package." + kind, version);
    }

    public static final MediaType ERROR = pkg("error", 1);
    public static final MediaType CAPABILITIES = MediaType.vnd("capabilities", 1);

    /** Universe repository JSON as Universe servers answer it; v3 and v4 and v5 are read. */
    public static MediaType universeRepo(int version) {
        return MediaType.vnd("universe.repo", version);
    }

    /** The media type of a stored package definition (the envelope in {@code DCOS_PACKAGE_DEFINITION}). */
    public static MediaType universePackage(int version) {
        return MediaType.vnd("universe.package", version);
    }

    public static final MediaType ZIP = new MediaType("application", "zip", java.util.Map.of());
}
