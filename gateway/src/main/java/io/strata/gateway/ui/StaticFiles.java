package io.strata.gateway.ui;

import io.strata.gateway.routing.RequestPath;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web UI's files: a directory ({@code --ui-dir}) or, by default, the {@code strata-ui/} folder of the
 * classpath (the {@code strata-ui} jar). Paths were normalised by {@link RequestPath} already; a directory's file
 * must still be inside the directory after symlinks are followed, and a classpath name never has a {@code ..},
 * empty or backslashed segment. The UI routes with the URL's fragment ({@code /#/apps}), so no server-side fallback
 * is needed; a browser sent to an unknown page path still gets the app.
 */
public abstract sealed class StaticFiles {
    /** The classpath folder the {@code strata-ui} module ships its files in. */
    public static final String CLASSPATH_BASE = "strata-ui/";

    private static final Map<String, String> TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"), Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"), Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("map", "application/json"),
            Map.entry("wasm", "application/wasm"));

    /** A file to send: its name (for logs and caching rules), its media type and its bytes. */
    public record Found(String name, String contentType, byte[] body) {}

    /** Files under {@code dir}, read at each request (edit and reload while developing the UI). */
    public static StaticFiles directory(Path dir) throws IOException {
        return new Directory(dir.toRealPath());
    }

    /** The UI on the classpath under {@link #CLASSPATH_BASE}, if its {@code index.html} is there. */
    public static Optional<StaticFiles> classpath(ClassLoader loader) {
        if (loader.getResource(CLASSPATH_BASE + "index.html") == null) return Optional.empty();
        return Optional.of(new Classpath(loader));
    }

    /** Where the files come from, for the start-up log line. */
    public abstract String describe();

    /**
     * @param path        a normalised, encoded request path
     * @param browserPage whether the client navigates to a page (its Accept names text/html): an unknown path without
     *                    an extension then loads the app, which shows its own start page; API clients get a 404
     */
    public final Optional<Found> find(String path, boolean browserPage) {
        String decoded = RequestPath.percentDecode(path);
        String relative = decoded.startsWith("/") ? decoded.substring(1) : decoded;
        boolean folder = relative.isEmpty() || relative.endsWith("/");
        Optional<Found> f = file(folder ? relative + "index.html" : relative);
        if (f.isPresent()) return f;
        if (browserPage && !relative.substring(relative.lastIndexOf('/') + 1).contains(".")) return file("index.html");
        return Optional.empty();
    }

    /** The file at a relative, decoded path, if it is a regular file inside the UI. */
    abstract Optional<Found> file(String relative);

    static String contentType(String name) {
        String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        return TYPES.getOrDefault(ext, "application/octet-stream");
    }

    private static final class Directory extends StaticFiles {
        private final Path root;

        Directory(Path root) {
            this.root = root;
        }

        @Override
        public String describe() {
            return root.toString();
        }

        @Override
        Optional<Found> file(String relative) {
            Path p = root.resolve(relative).normalize();
            if (!p.startsWith(root)) return Optional.empty();
            if (Files.isDirectory(p)) p = p.resolve("index.html");
            try {
                if (!Files.isRegularFile(p)) return Optional.empty();
                Path real = p.toRealPath();
                if (!real.startsWith(root)) return Optional.empty();
                String name = real.getFileName().toString();
                return Optional.of(new Found(name, contentType(name), Files.readAllBytes(real)));
            } catch (IOException e) {
                return Optional.empty();
            }
        }
    }

    private static final class Classpath extends StaticFiles {
        private final ClassLoader loader;
        /** The jar does not change while the gateway runs. */
        private final Map<String, Optional<Found>> cache = new ConcurrentHashMap<>();

        Classpath(ClassLoader loader) {
            this.loader = loader;
        }

        @Override
        public String describe() {
            return "classpath:" + CLASSPATH_BASE;
        }

        @Override
        Optional<Found> file(String relative) {
            if (!safe(relative)) return Optional.empty();
            if (cache.size() > 1_000) cache.clear(); // a bound against scans of made-up names
            return cache.computeIfAbsent(relative, this::load);
        }

        private Optional<Found> load(String relative) {
            URL url = loader.getResource(CLASSPATH_BASE + relative);
            if (url == null) return Optional.empty();
            try {
                // a folder of an exploded classpath (target/classes) would read as a listing
                if ("file".equals(url.getProtocol()) && !Files.isRegularFile(Path.of(url.toURI()))) return Optional.empty();
                try (InputStream in = url.openStream()) {
                    String name = relative.substring(relative.lastIndexOf('/') + 1);
                    return Optional.of(new Found(name, contentType(name), in.readAllBytes()));
                }
            } catch (IOException | URISyntaxException | IllegalArgumentException e) {
                // a folder entry of a jar, or unreadable
                return Optional.empty();
            }
        }

        private static boolean safe(String relative) {
            if (relative.isEmpty() || relative.startsWith("/") || relative.indexOf('\\') >= 0 || relative.indexOf('\0') >= 0) {
                return false;
            }
            for (String segment : relative.split("/", -1)) {
                if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) return false;
            }
            return true;
        }
    }
}
