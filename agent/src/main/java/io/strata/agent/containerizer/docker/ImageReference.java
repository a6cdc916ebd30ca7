package io.strata.agent.containerizer.docker;

import java.util.Locale;

/**
 * A Docker image name taken apart the way the Docker CLI does: {@code [registry/]repository[:tag][@digest]}. The
 * first path component is a registry when it has a '.' or a ':' or is {@code localhost}; otherwise the image is on
 * Docker Hub ({@code busybox} is {@code docker.io/library/busybox:latest}).
 *
 * @param registry   registry host[:port], {@code docker.io} for Docker Hub
 * @param repository the repository as written, without registry, tag or digest
 * @param tag        the tag, or null
 * @param digest     the digest ({@code sha256:...}), or null
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
    public static final String DOCKER_HUB = "docker.io";
    /** The key under which the Docker CLI stores Docker Hub credentials. */
    public static final String DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

    public static ImageReference parse(String image) {
        if (image == null || image.isBlank()) throw new IllegalArgumentException("the image name is empty");
        String s = image.trim();
        if (s.chars().anyMatch(Character::isWhitespace)) throw new IllegalArgumentException("invalid image name '" + image + "'");
        String digest = null;
        int at = s.indexOf('@');
        if (at >= 0) {
            digest = s.substring(at + 1);
            s = s.substring(0, at);
            if (digest.isEmpty() || digest.indexOf(':') < 0) throw new IllegalArgumentException("invalid digest in image name '" + image + "'");
        }
        String tag = null;
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) {
            tag = s.substring(colon + 1);
            s = s.substring(0, colon);
            if (tag.isEmpty()) throw new IllegalArgumentException("invalid tag in image name '" + image + "'");
        }
        String registry = DOCKER_HUB;
        int slash = s.indexOf('/');
        if (slash > 0) {
            String first = s.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                s = s.substring(slash + 1);
            }
        }
        if (s.isEmpty() || s.startsWith("/") || s.endsWith("/") || s.contains("//")) {
            throw new IllegalArgumentException("invalid image name '" + image + "'");
        }
        return new ImageReference(registry, s, tag, digest);
    }

    public boolean onDockerHub() {
        return DOCKER_HUB.equals(registry) || "index.docker.io".equals(registry) || "registry-1.docker.io".equals(registry);
    }

    /** The {@code fromImage} of a pull: registry and repository, as the daemon expects them. */
    public String pullRepository() {
        return onDockerHub() ? repository : registry + "/" + repository;
    }

    /** The {@code tag} of a pull: the digest, else the tag, else {@code latest}. */
    public String pullTag() {
        if (digest != null) return digest;
        return tag != null ? tag : "latest";
    }

    /** The credentials key in the Docker CLI's config for this image's registry. */
    public String authKey() {
        return onDockerHub() ? DOCKER_HUB_AUTH_KEY : registry;
    }

    /** A registry address from a config key ({@code https://host:5000/v1/}, {@code host:5000}) as host[:port]. */
    static String registryHost(String key) {
        String k = key.trim().toLowerCase(Locale.ROOT);
        int scheme = k.indexOf("://");
        if (scheme >= 0) k = k.substring(scheme + 3);
        int slash = k.indexOf('/');
        if (slash >= 0) k = k.substring(0, slash);
        if (k.equals("index.docker.io") || k.equals("registry-1.docker.io")) return DOCKER_HUB;
        return k;
    }

    @Override
    public String toString() {
        String name = onDockerHub() ? repository : registry + "/" + repository;
        if (tag != null) name += ":" + tag;
        if (digest != null) name += "@" + digest;
        return name;
    }
}
