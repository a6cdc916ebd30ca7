package io.strata.cosmos.universe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * The three ways a Universe repository comes: repository JSON ({@code {"packages": [...]}}, what Universe builds
 * serve with {@code application/vnd.dcos.universe.repo+json}), a zip (either that JSON zipped, or the source
 * layout zipped as old Universe builds made {@code repo-up-to-1.x.zip}), or a directory in the source layout.
 * Pure parsing: the bytes or the path are given.
 */
public final class RepositoryFormat {
    /** The most a zip may expand to. */
    public static final long MAX_UNZIPPED_BYTES = 256L * 1024 * 1024;
    static final int MAX_ZIP_ENTRIES = 200_000;
    private static final String ZIP_TOO_LARGE = "the zip expands to more than " + MAX_UNZIPPED_BYTES + " bytes";

    private RepositoryFormat() {}

    /** Repository JSON or a zip, told apart by the zip signature. */
    public static List<UniversePackage> parse(byte[] bytes) throws IOException {
        if (isZip(bytes)) return parseZip(bytes);
        return parseJson(bytes);
    }

    public static boolean isZip(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 'P' && bytes[1] == 'K' && bytes[2] == 3 && bytes[3] == 4;
    }

    /** {@code {"packages": [...]}}; every package is checked, and the first bad one names itself. */
    public static List<UniversePackage> parseJson(byte[] bytes) {
        JsonNode root = Json.read(bytes);
        if (!root.isObject()) throw new IllegalArgumentException("a repository must be a JSON object with 'packages'");
        JsonNode packages = root.get("packages");
        if (packages == null || !packages.isArray()) throw new IllegalArgumentException("the repository has no 'packages' array");
        List<UniversePackage> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        int i = 0;
        for (JsonNode p : packages) {
            UniversePackage pkg;
            try {
                pkg = UniversePackage.of(p);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("packages[" + i + "]: " + e.getMessage(), e);
            }
            if (!seen.add(pkg.name() + "\u0000" + pkg.version())) {
                throw new IllegalArgumentException("packages[" + i + "]: " + pkg.name() + " " + pkg.version() + " is listed twice");
            }
            out.add(pkg);
            i++;
        }
        return out;
    }

    /** A zip of the repository JSON (one {@code *.json} with {@code packages}) or of the source layout. */
    public static List<UniversePackage> parseZip(byte[] bytes) throws IOException {
        boolean sourceLayout = false;
        byte[] jsonEntry = null;
        int entries = 0;
        long total = 0;
        try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            ZipEntry e;
            while ((e = zin.getNextEntry()) != null) {
                if (++entries > MAX_ZIP_ENTRIES) throw new IllegalArgumentException("the zip has more than " + MAX_ZIP_ENTRIES + " entries");
                String name = e.getName();
                if (name.matches("(?:.*/)?packages/[A-Za-z0-9]/[^/]+/\\d+/package\\.json")) sourceLayout = true;
                byte[] content = readCapped(zin, MAX_UNZIPPED_BYTES - total, ZIP_TOO_LARGE);
                total += content.length;
                if (!e.isDirectory() && name.endsWith(".json") && !name.contains("/packages/") && !name.startsWith("packages/")
                        && jsonEntry == null && looksLikeRepository(content)) {
                    jsonEntry = content;
                }
            }
        }
        if (sourceLayout) return readZippedSourceLayout(bytes);
        if (jsonEntry != null) return parseJson(jsonEntry);
        throw new IllegalArgumentException("the zip holds neither a repository JSON file nor packages/<L>/<name>/<revision>/package.json");
    }

    private static boolean looksLikeRepository(byte[] content) {
        try {
            JsonNode n = Json.read(content);
            return n.isObject() && n.path("packages").isArray();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** All of {@code in}; past {@code cap} bytes, an {@link IllegalArgumentException} with {@code tooLarge} as its message. */
    public static byte[] readCapped(InputStream in, long cap, String tooLarge) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) > 0) {
            if (out.size() + (long) n > cap) throw new IllegalArgumentException(tooLarge);
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static List<UniversePackage> readZippedSourceLayout(byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile("strata-universe", ".zip");
        try {
            Files.write(tmp, bytes);
            try (FileSystem fs = FileSystems.newFileSystem(tmp)) {
                Path root = fs.getPath("/");
                Path packages;
                try (Stream<Path> s = Files.walk(root, 4)) {
                    packages = s.filter(p -> Files.isDirectory(p) && p.getFileName() != null
                                    && p.getFileName().toString().replace("/", "").equals("packages"))
                            .min(Comparator.comparingInt(Path::getNameCount))
                            .orElseThrow(() -> new IllegalArgumentException("no packages/ directory in the zip"));
                }
                return SourceLayout.read(packages);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A directory in the source layout, a repository JSON file, or a zip file. */
    public static List<UniversePackage> read(Path path) throws IOException {
        if (Files.isDirectory(path)) return SourceLayout.read(path);
        if (!Files.isRegularFile(path)) throw new IllegalArgumentException(path + " is neither a directory nor a file");
        if (Files.size(path) > MAX_UNZIPPED_BYTES) throw new IllegalArgumentException(path + " is larger than " + MAX_UNZIPPED_BYTES + " bytes");
        return parse(Files.readAllBytes(path));
    }

    /** The repository JSON a Universe build serves for these packages ({@code {"packages": [...]}}). */
    public static ObjectNode toJson(List<UniversePackage> packages) {
        ObjectNode root = Json.object();
        ArrayNode arr = root.putArray("packages");
        for (UniversePackage p : packages) arr.add(p.definition());
        return root;
    }

    public static byte[] toJsonBytes(List<UniversePackage> packages) {
        try {
            return Json.MAPPER.writeValueAsBytes(toJson(packages));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
