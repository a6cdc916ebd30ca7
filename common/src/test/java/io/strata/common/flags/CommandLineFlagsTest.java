package io.strata.common.flags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CommandLineFlagsTest {
    @Command(name = "demo")
    static final class Demo implements Callable<String> {
        @Option(names = "--name", required = true) String name;
        @Option(names = "--port", defaultValue = "80") int port;

        @Override
        public String call() {
            if (name.isBlank()) throw new IllegalArgumentException("--name must not be blank");
            return name + ":" + port;
        }
    }

    @Test
    void returnsWhatTheFlagsBuild() {
        assertThat(CommandLineFlags.parse(new Demo(), "--name", "a", "--port", "8080")).isEqualTo("a:8080");
        assertThat(CommandLineFlags.parse(new Demo(), "--name", "b")).isEqualTo("b:80");
    }

    @Test
    void badInputIsAnIllegalArgumentWithPicocliMessage() {
        assertThatThrownBy(() -> CommandLineFlags.parse(new Demo(), "--port", "1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Missing required option: '--name");
        assertThatThrownBy(() -> CommandLineFlags.parse(new Demo(), "--name", "a", "--port", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'x' is not an int");
        assertThatThrownBy(() -> CommandLineFlags.parse(new Demo(), "--name", "a", "--bogus"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unknown option: '--bogus'");
    }

    @Test
    void errorsFromTheConfigPassThrough() {
        assertThatThrownBy(() -> CommandLineFlags.parse(new Demo(), "--name", " "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--name must not be blank");
    }
}
