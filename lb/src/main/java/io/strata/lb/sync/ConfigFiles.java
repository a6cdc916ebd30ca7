package io.strata.lb.sync;

import io.strata.lb.render.RenderedConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * haproxy.cfg and its map files on disk. A candidate is staged beside them ({@code .new}, pointing at staged map
 * files) for {@code haproxy -c}; only a checked candidate replaces them, each file with an atomic rename, the
 * previous haproxy.cfg kept as {@code haproxy.cfg.1} .. {@code .N} ({@code --archive-versions}). A rejected
 * candidate is kept as {@code haproxy.cfg.failed} for whoever debugs it.
 */
public final class ConfigFiles {
    public static final String DOMAIN_MAP = "domain2backend.map";
    public static final String APP_MAP = "app2backend.map";

    private final Path config;
    private final Path dir;
    private final int archiveVersions;

    public ConfigFiles(Path config, int archiveVersions) {
        this.config = config.toAbsolutePath();
        this.dir = this.config.getParent();
        this.archiveVersions = archiveVersions;
    }

    public Path config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public Path domainMap() {
        return dir.resolve(DOMAIN_MAP);
    }

    public Path appMap() {
        return dir.resolve(APP_MAP);
    }

    /** Writes the candidate for checking; returns the file to give {@code haproxy -c}. */
    public Path stage(RenderedConfig cfg) throws IOException {
        Files.createDirectories(dir);
        Path stagedDomain = dir.resolve(DOMAIN_MAP + ".new");
        Path stagedApp = dir.resolve(APP_MAP + ".new");
        Files.writeString(stagedDomain, cfg.domainMap());
        Files.writeString(stagedApp, cfg.appMap());
        String text = cfg.text().replace(domainMap().toString(), stagedDomain.toString())
                .replace(appMap().toString(), stagedApp.toString());
        Path staged = sibling(".new");
        Files.writeString(staged, text);
        return staged;
    }

    /** Keeps a rejected candidate for inspection. */
    public void keepFailed(RenderedConfig cfg) {
        try {
            Files.writeString(sibling(".failed"), cfg.text());
        } catch (IOException e) {
            // best effort
        }
    }

    /** Puts a checked candidate in place. */
    public void install(RenderedConfig cfg) throws IOException {
        Files.createDirectories(dir);
        archive();
        replace(domainMap(), cfg.domainMap());
        replace(appMap(), cfg.appMap());
        replace(config, cfg.text());
        Files.deleteIfExists(sibling(".new"));
        Files.deleteIfExists(dir.resolve(DOMAIN_MAP + ".new"));
        Files.deleteIfExists(dir.resolve(APP_MAP + ".new"));
    }

    private void archive() throws IOException {
        if (archiveVersions <= 0 || !Files.exists(config)) return;
        for (int i = archiveVersions - 1; i >= 1; i--) {
            Path from = sibling("." + i);
            if (Files.exists(from)) Files.move(from, sibling("." + (i + 1)), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.copy(config, sibling(".1"), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void replace(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Path sibling(String suffix) {
        return config.resolveSibling(config.getFileName() + suffix);
    }
}
