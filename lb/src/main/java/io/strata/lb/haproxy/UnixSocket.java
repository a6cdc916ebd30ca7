package io.strata.lb.haproxy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One command on an HAProxy CLI socket (the master CLI or a worker's runtime API): connect, send the command,
 * half-close so HAProxy answers and hangs up, read everything. The master CLI is briefly gone while the master
 * re-executes itself on a reload, so connecting is retried for a while.
 */
public final class UnixSocket {
    private UnixSocket() {}

    public static String command(Path socket, String command, Duration connectFor) throws IOException {
        long deadline = System.nanoTime() + connectFor.toNanos();
        IOException last = null;
        while (true) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.UTF_8));
                while (out.hasRemaining()) ch.write(out);
                ch.shutdownOutput();
                ByteArrayOutputStream answer = new ByteArrayOutputStream();
                ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                while (ch.read(in) >= 0) {
                    in.flip();
                    answer.write(in.array(), 0, in.limit());
                    in.clear();
                }
                return answer.toString(StandardCharsets.UTF_8);
            } catch (IOException e) {
                last = e;
                if (System.nanoTime() > deadline) break;
                try {
                    Thread.sleep(10);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while connecting to " + socket, ie);
                }
            }
        }
        throw new IOException("cannot talk to HAProxy at " + socket + ": " + last.getMessage(), last);
    }
}
