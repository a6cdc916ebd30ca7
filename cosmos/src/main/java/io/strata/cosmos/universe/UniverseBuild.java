package io.strata.cosmos.universe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * {@code dcos-node universe build}: a source layout directory to the repository JSON a Universe build serves
 * (templates base64, {@code releaseVersion} from the revision directory), written as {@code .json} or, for an
 * output named {@code *.zip}, zipped as {@code universe.json}. Written to a temporary file and moved into place.
 */
public final class UniverseBuild {
    public static final String ZIP_ENTRY = "universe.json";

    private UniverseBuild() {}

    public static List<UniversePackage> build(Path sourceDir, Path out) throws IOException {
        List<UniversePackage> pkgs = SourceLayout.read(sourceDir);
        write(pkgs, out);
        return pkgs;
    }

    public static void write(List<UniversePackage> pkgs, Path out) throws IOException {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".universe-build", ".tmp");
        try {
            byte[] json = RepositoryFormat.toJsonBytes(pkgs);
            Files.write(tmp, abs.getFileName().toString().endsWith(".zip") ? zip(json) : json);
            Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The repository JSON zipped as {@value #ZIP_ENTRY}, as {@code build} writes it and {@code serve} answers it. */
    public static byte[] zip(byte[] json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry(ZIP_ENTRY));
            z.write(json);
            z.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
