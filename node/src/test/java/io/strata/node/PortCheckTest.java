package io.strata.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PortCheckTest {
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aBusyPortIsReportedWithItsFlag() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = busy.getLocalPort();
            assertThat(PortCheck.isFree("127.0.0.1", port)).isFalse();
            assertThatThrownBy(() -> PortCheck.requireFree("127.0.0.1", Map.of(port, "--master-port")))
                    .isInstanceOf(UserError.class)
                    .hasMessageContaining("port " + port)
                    .hasMessageContaining("--master-port");
        }
    }

    @Test
    void aFreePortPasses() {
        int port = freePort();
        assertThat(PortCheck.isFree("127.0.0.1", port)).isTrue();
        PortCheck.requireFree("127.0.0.1", Map.of(port, "--port"));
    }

    @Test
    void bindFailuresAreRecognisedThroughWrappers() {
        assertThat(UserError.isBindFailure(new RuntimeException("x", new BindException("Address already in use")))).isTrue();
        assertThat(UserError.isBindFailure(new IllegalStateException("Failed to bind to 127.0.0.1:5050"))).isTrue();
        assertThat(UserError.isBindFailure(new IllegalStateException("other"))).isFalse();
    }

    @Test
    void describePicksAReadableMessage() {
        assertThat(UserError.describe(new RuntimeException(new IOException("disk full")))).isEqualTo("disk full");
        assertThat(UserError.describe(new IllegalStateException("outer", new IOException("inner")))).isEqualTo("outer");
        assertThat(UserError.describe(new NullPointerException())).isEqualTo("NullPointerException");
    }
}
