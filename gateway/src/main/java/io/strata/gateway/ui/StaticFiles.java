package io.strata.gateway.ui;

import io.strata.gateway.routing.RequestPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The web UI's files under {@code uiDir}. Paths were normalised by {@link RequestPath} already; the resolved file
 * must still be inside the directory after symlinks are followed. A path without a file falls back to
 * {@code index.html}, so the UI's client-side routes load the app.
 */
public final class StaticFiles {
    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"),
            Map.entry("wasm", "application/wasm"));

    public record Found(Path file, String contentType) {}

    private final Path root;

    public StaticFiles(Path dir) throws IOException {
        this.root = dir.toRealPath();
    }

    /** @param path a normalised, encoded request path */
    public Optional<Found> find(String path) {
        String decoded = RequestPath.percentDecode(path);
        String relative = decoded.startsWith("/") ? decoded.substring(1) : decoded;
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) return Optional.empty();
        Optional<Found> f = file(candidate);
        if (f.isPresent()) return f;
        if (Files.isDirectory(candidate)) {
            f = file(candidate.resolve("index.html"));
            if (f.isPresent()) return f;
        }
        // client-side routes (no extension) load the app
        if (!relative.substring(relative.lastIndexOf('/') + 1).contains(".")) return file(root.resolve("index.html"));
        return Optional.empty();
    }

    private Optional<Found> file(Path p) {
        try {
            if (!Files.isRegularFile(p)) return Optional.empty();
            Path real = p.toRealPath();
            if (!real.startsWith(root)) return Optional.empty();
            String name = real.getFileName().toString();
            String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
            return Optional.of(new Found(real, TYPES.getOrDefault(ext, "application/octet-stream")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
