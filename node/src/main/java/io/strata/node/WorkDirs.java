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
            throw new UserError("cannot create " + abs + " (" + reason(e) + "); choose a writable directory with "
                    + flag + " <dir>", e);
        }
        if (!Files.isWritable(abs)) {
            throw new UserError(abs + " is not writable; choose a writable directory with " + flag + " <dir>");
        }
        return abs;
    }

    /** Why a directory could not be made, in words (file system exceptions' messages are just the path). */
    static String reason(Exception e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "permission denied";
        if (e instanceof java.nio.file.FileAlreadyExistsException) return "a file of that name is in the way";
        if (e instanceof java.nio.file.NoSuchFileException) return "no such file or directory";
        if (e instanceof java.nio.file.FileSystemException fse) {
            return fse.getReason() != null ? fse.getReason() : e.getClass().getSimpleName();
        }
        return UserError.describe(e);
    }
}
