package io.strata.node;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Creates a daemon's directory up front, so a permission problem names the flag instead of failing later. */
public final class WorkDirs {
    private WorkDirs() {}

    public static Path create(Path dir, String flag) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(abs);
        } catch (IOException | SecurityException e) {
            throw new UserError("cannot create " + abs + " (" + UserError.describe(e) + "); choose a writable "
                    + "directory with " + flag + " <dir>", e);
        }
        if (!Files.isWritable(abs)) {
            throw new UserError(abs + " is not writable; choose a writable directory with " + flag + " <dir>");
        }
        return abs;
    }
}
