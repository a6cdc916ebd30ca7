package io.strata.cosmos.repository;

import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.api.MediaType;
import io.strata.cosmos.api.MediaTypes;
import io.strata.cosmos.universe.RepositoryFormat;
import io.strata.cosmos.universe.UniversePackage;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Loads one repository from where its URI says: {@code http(s)://} (with Universe's Accept header, a timeout and
 * a size cap; redirects followed), {@code file:} (a directory in the source layout, a JSON or a zip file, when
 * allowed) or {@code builtin:universe} (the packages shipped in this jar). Failures come back as the Cosmos error
 * for them, naming the repository.
 */
public final class RepositoryFetcher {
    private final HttpClient http;
    private final Duration timeout;
    private final long maxBytes;
    private final boolean allowFiles;
    private final String userAgent;
    private final BuiltinRepository builtin;

    public RepositoryFetcher(HttpClient http, Duration timeout, long maxBytes, boolean allowFiles, String dcosVersion,
                             BuiltinRepository builtin) {
        this.http = http;
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.allowFiles = allowFiles;
        this.userAgent = "cosmos/strata dcos/" + dcosVersion;
        this.builtin = builtin;
    }

    /** The URI checks of {@code repository/add}: the scheme is one this Cosmos reads and the URI parses. */
    public URI check(PackageRepository repo) {
        URI uri;
        try {
            uri = new URI(repo.uri());
        } catch (URISyntaxException e) {
            throw CosmosError.repositoryUriSyntax(repo.name(), repo.uri(), e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "http", "https" -> {
                if (uri.getHost() == null) throw CosmosError.repositoryUriSyntax(repo.name(), repo.uri(), "no host");
            }
            case "builtin" -> {
                if (!repo.uri().equals(PackageRepository.BUILTIN_URI)) {
                    throw CosmosError.repositoryUriSyntax(repo.name(), repo.uri(), "the built-in repository is " + PackageRepository.BUILTIN_URI);
                }
            }
            case "file" -> {
                if (!allowFiles) throw CosmosError.unsupportedRepositoryUri(repo.uri(), "http and https (and file: with --allow-file-repositories)");
                filePath(repo, uri);
            }
            default -> throw CosmosError.unsupportedRepositoryUri(repo.uri(), allowFiles ? "http, https and file" : "http and https");
        }
        return uri;
    }

    private static Path filePath(PackageRepository repo, URI uri) {
        if (uri.getPath() == null || !uri.getPath().startsWith("/") || uri.getRawQuery() != null || uri.getRawFragment() != null
                || uri.getRawAuthority() != null && !uri.getRawAuthority().isEmpty() && !uri.getRawAuthority().equals("localhost")) {
            throw CosmosError.repositoryUriSyntax(repo.name(), repo.uri(), "a file: URI needs an absolute path and nothing else");
        }
        Path p = Path.of(uri.getPath());
        if (!p.normalize().equals(p)) throw CosmosError.repositoryUriSyntax(repo.name(), repo.uri(), "the path must be normalized (no . or ..)");
        return p;
    }

    /** The repository's packages, or the Cosmos error that says why not. */
    public List<UniversePackage> fetch(PackageRepository repo) {
        URI uri = check(repo);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        try {
            return switch (scheme) {
                case "builtin" -> builtin.packages();
                case "file" -> {
                    Path p = filePath(repo, uri);
                    if (!Files.exists(p)) throw CosmosError.repositoryUriConnection(repo.name(), repo.uri(), "no such file or directory");
                    yield RepositoryFormat.read(p);
                }
                default -> fetchHttp(repo, uri);
            };
        } catch (IllegalArgumentException e) {
            throw CosmosError.repositoryMalformed(repo.name(), repo.uri(), e.getMessage());
        } catch (IOException e) {
            throw CosmosError.repositoryUriConnection(repo.name(), repo.uri(), String.valueOf(e.getMessage()));
        }
    }

    private List<UniversePackage> fetchHttp(PackageRepository repo, URI uri) throws IOException {
        String accept = String.join(",", MediaTypes.universeRepo(5).toString(), MediaTypes.universeRepo(4).toString(),
                MediaTypes.universeRepo(3).toString(), MediaTypes.ZIP + ";q=0.5", "application/json;q=0.1");
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Accept", accept)
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", userAgent)
                .build();
        HttpResponse<InputStream> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw CosmosError.repositoryUriConnection(repo.name(), repo.uri(), "no answer within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            throw CosmosError.repositoryUriConnection(repo.name(), repo.uri(), e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CosmosError.repositoryUriConnection(repo.name(), repo.uri(), "interrupted");
        }
        try (InputStream raw = res.body()) {
            if (res.statusCode() / 100 != 2) {
                throw CosmosError.universeClientHttpError(repo.name(), repo.uri(), res.statusCode(), 500);
            }
            String contentType = res.headers().firstValue("Content-Type").orElse("");
            MediaType ct = MediaType.parse(contentType).orElse(null);
            if (ct == null || !acceptable(ct)) {
                throw CosmosError.unsupportedRepositoryContentType(repo.name(), repo.uri(), contentType);
            }
            boolean gzip = res.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
            InputStream body = gzip ? new GZIPInputStream(raw) : raw;
            // too large: an IllegalArgumentException, which fetch() reports as the repository being malformed
            byte[] bytes = RepositoryFormat.readCapped(body, maxBytes, "larger than " + maxBytes + " bytes");
            return RepositoryFormat.parse(bytes);
        }
    }

    /**
     * Universe's repository types (v3, v4, v5) and zips, as Cosmos reads them; also plain JSON and octet-streams,
     * so a repository file on any static web server (which does not know Universe's types) can be added.
     */
    static boolean acceptable(MediaType ct) {
        for (int v = 3; v <= 5; v++) {
            MediaType u = MediaTypes.universeRepo(v);
            if (ct.type().equals(u.type()) && ct.subtype().equals(u.subtype())) {
                String version = ct.parameters().get("version");
                return version == null || version.equals("v" + v) || version.matches("v[345]");
            }
        }
        String base = ct.type() + "/" + ct.subtype();
        return base.equals("application/zip") || base.equals("application/json") || base.equals("application/octet-stream")
                || base.equals("application/x-zip-compressed");
    }
}
