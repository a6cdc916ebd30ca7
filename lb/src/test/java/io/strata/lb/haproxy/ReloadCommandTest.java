package io.strata.lb.haproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --command}: an HAProxy run by someone else, reloaded by a shell command. */
class ReloadCommandTest {
    @TempDir Path dir;

    @Test
    void runsTheCommandAndReportsItsFailure() throws Exception {
        Path marker = dir.resolve("reloaded");
        new ReloadCommand("echo reloaded > '" + marker + "'", dir.resolve("sock")).reload();
        assertThat(Files.readString(marker)).isEqualTo("reloaded\n");
        assertThatThrownBy(() -> new ReloadCommand("echo no such service >&2; exit 3", dir.resolve("sock")).reload())
                .isInstanceOf(IOException.class).hasMessageContaining("exited with 3").hasMessageContaining("no such service");
    }
}
