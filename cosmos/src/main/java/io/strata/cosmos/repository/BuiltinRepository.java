package io.strata.cosmos.repository;

import io.strata.cosmos.universe.SourceLayout;
import io.strata.cosmos.universe.UniversePackage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The repository shipped inside the cosmos jar: {@code universe/packages/<L>/<name>/<rev>/} on the classpath,
 * in the Universe source layout. Read once (it cannot change while the process runs).
 */
public final class BuiltinRepository {
    public static final String RESOURCE = "universe/packages";
    private final String resource;
    private volatile List<UniversePackage> packages;

    public BuiltinRepository() {
        this(RESOURCE);
    }

    /** A different classpath directory (tests). */
    public BuiltinRepository(String resource) {
        this.resource = resource;
    }

    public List<UniversePackage> packages() throws IOException {
        List<UniversePackage> p = packages;
        if (p == null) {
            synchronized (this) {
                if (packages == null) packages = load();
                p = packages;
            }
        }
        return p;
    }

    private List<UniversePackage> load() throws IOException {
        URL url = BuiltinRepository.class.getClassLoader().getResource(resource);
        if (url == null) return List.of();
        URI uri;
        try {
            uri = url.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("bad classpath URL " + url, e);
        }
        if (uri.getScheme().equals("jar")) {
            FileSystem fs;
            try {
                fs = FileSystems.newFileSystem(uri, Map.of());
            } catch (FileSystemAlreadyExistsException e) {
                fs = FileSystems.getFileSystem(uri);
            }
            String inner = uri.getSchemeSpecificPart();
            String entry = inner.substring(inner.indexOf("!/") + 1);
            return SourceLayout.read(fs.getPath(entry));
        }
        Path dir = Path.of(uri);
        if (!Files.isDirectory(dir)) return List.of();
        try {
            return SourceLayout.read(dir);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
