package io.strata.common.logging;

import java.nio.file.Path;
import java.util.Optional;

/**
 * The file this process logs to, when it logs to one ({@code dcos-node local}'s {@code local.log}, or
 * {@code --log-dir}). Daemons serve it through the files API as Mesos does: {@code /master/log} on the master,
 * {@code /slave/log} on the agent, which is what {@code dcos node log} reads.
 */
public final class LogFile {
    private static volatile Path current;

    private LogFile() {
    }

    public static void set(Path file) {
        current = file == null ? null : file.toAbsolutePath().normalize();
    }

    public static Optional<Path> current() {
        return Optional.ofNullable(current);
    }
}
