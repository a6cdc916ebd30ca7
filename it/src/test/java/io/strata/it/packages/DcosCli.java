package io.strata.it.packages;

import io.strata.it.support.ItEnv;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dcos} CLI (cli/target/dcos.jar, built beside the dcos-node jar) run as a user runs it: its cluster
 * URL from {@code DCOS_URL}, its configuration in a directory of the test's own ({@code DCOS_DIR}), no stdin.
 */
final class DcosCli {
    private static final long TIMEOUT_SECONDS = 60;

    record Result(int exitCode, String stdout, String stderr) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    private final Path jar;
    private final URI dcosUrl;
    private final Path dcosDir;

    DcosCli(Path jar, URI dcosUrl, Path dcosDir) {
        this.jar = jar;
        this.dcosUrl = dcosUrl;
        this.dcosDir = dcosDir;
    }

    /** cli/target/dcos.jar next to node/target/dcos-node.jar, when the CLI has been built. */
    static Optional<Path> jar() {
        Path root = ItEnv.nodeJar().getParent().getParent().getParent();
        Path jar = root.resolve("cli").resolve("target").resolve("dcos.jar");
        return Files.isRegularFile(jar) ? Optional.of(jar) : Optional.empty();
    }

    Result run(String... args) {
        try {
            Files.createDirectories(dcosDir);
            List<String> cmd = new ArrayList<>(List.of(ItEnv.java(), "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
            cmd.addAll(List.of(args));
            Path out = Files.createTempFile(dcosDir, "stdout", ".txt");
            Path err = Files.createTempFile(dcosDir, "stderr", ".txt");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            pb.environment().put("DCOS_URL", dcosUrl.toString().replaceAll("/$", ""));
            pb.environment().put("DCOS_DIR", dcosDir.toString());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("dcos " + String.join(" ", args) + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
