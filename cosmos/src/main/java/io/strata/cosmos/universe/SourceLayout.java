package io.strata.cosmos.universe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a repository in the Universe source layout, {@code packages/<L>/<name>/<revision>/} with
 * {@code package.json}, {@code config.json}, {@code marathon.json.mustache}, {@code resource.json} and
 * {@code command.json}, into the packages a Universe build would list: package.json's fields plus
 * {@code releaseVersion} (the revision directory), {@code marathon.v2AppMustacheTemplate} (the template, base64),
 * {@code config}, {@code resource}, {@code command}. Works on any {@link Path}, so also inside a zip file system.
 */
public final class SourceLayout {
    private static final Pattern LETTER = Pattern.compile("^[A-Za-z0-9]$");
    private static final Pattern REVISION = Pattern.compile("^\\d{1,9}$");
    /** A single package file larger than this is refused (templates and schemas are kilobytes). */
    static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private SourceLayout() {}

    /**
     * Finds the {@code packages} directory: the given directory itself if it is named so, else
     * {@code <dir>/packages} or {@code <dir>/repo/packages}.
     */
    public static Path packagesDir(Path dir) {
        if (dir.getFileName() != null && dir.getFileName().toString().equals("packages") && Files.isDirectory(dir)) return dir;
        for (Path p : new Path[] {dir.resolve("packages"), dir.resolve("repo").resolve("packages")}) {
            if (Files.isDirectory(p)) return p;
        }
        throw new IllegalArgumentException("no packages/ directory in " + dir + " (expected packages/<L>/<name>/<revision>/package.json)");
    }

    /** Every package release under {@code dir}, sorted by name and then release. */
    public static List<UniversePackage> read(Path dir) throws IOException {
        Path packages = packagesDir(dir);
        List<UniversePackage> out = new ArrayList<>();
        for (Path letter : list(packages)) {
            if (!Files.isDirectory(letter) || !LETTER.matcher(name(letter)).matches()) continue;
            for (Path pkg : list(letter)) {
                if (!Files.isDirectory(pkg)) continue;
                for (Path rev : list(pkg)) {
                    if (!Files.isDirectory(rev) || !REVISION.matcher(name(rev)).matches()) continue;
                    if (!Files.isRegularFile(rev.resolve("package.json"))) continue;
                    out.add(readRelease(rev, name(pkg), Long.parseLong(name(rev))));
                }
            }
        }
        out.sort(Comparator.comparing(UniversePackage::name).thenComparingLong(UniversePackage::releaseVersion));
        return out;
    }

    /** One {@code <name>/<revision>/} directory as a repository package. */
    public static UniversePackage readRelease(Path rev, String dirName, long releaseVersion) throws IOException {
        String where = dirName + "/" + releaseVersion;
        ObjectNode pkg = object(rev.resolve("package.json"), where);
        if (!pkg.path("name").asText().equals(dirName)) {
            throw new IllegalArgumentException(where + "/package.json: name '" + pkg.path("name").asText()
                    + "' does not match its directory '" + dirName + "'");
        }
        pkg.put("releaseVersion", releaseVersion);
        // the oldest Universe packages predate the field; they are 2.0 packages
        if (!pkg.has("packagingVersion")) pkg.put("packagingVersion", "2.0");
        Path template = rev.resolve("marathon.json.mustache");
        if (Files.isRegularFile(template)) {
            pkg.putObject("marathon").put("v2AppMustacheTemplate", Base64.getEncoder().encodeToString(bytes(template, where)));
        }
        for (String part : new String[] {"config", "resource", "command"}) {
            Path f = rev.resolve(part + ".json");
            if (Files.isRegularFile(f)) pkg.set(part, object(f, where));
        }
        try {
            return UniversePackage.of(pkg);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted(Comparator.comparing(SourceLayout::name)).toList();
        }
    }

    private static String name(Path p) {
        String n = p.getFileName().toString();
        return n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
    }

    private static byte[] bytes(Path f, String where) throws IOException {
        // read with a cap rather than trusting the size (inside a zip, the directory's size can lie)
        try (java.io.InputStream in = Files.newInputStream(f)) {
            byte[] b = in.readNBytes((int) MAX_FILE_BYTES + 1);
            if (b.length > MAX_FILE_BYTES) throw new IllegalArgumentException(where + "/" + name(f) + " is larger than " + MAX_FILE_BYTES + " bytes");
            return b;
        }
    }

    private static ObjectNode object(Path f, String where) throws IOException {
        JsonNode n;
        try {
            n = Json.read(bytes(f, where));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "/" + name(f) + ": " + e.getMessage(), e);
        }
        if (!(n instanceof ObjectNode o)) throw new IllegalArgumentException(where + "/" + name(f) + " is not a JSON object");
        return o;
    }
}
