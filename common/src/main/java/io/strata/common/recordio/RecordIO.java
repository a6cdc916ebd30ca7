package io.strata.common.recordio;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Mesos RecordIO framing: each record is its length in bytes as ASCII decimal, a newline, then the bytes.
 * Used for the scheduler and operator event streams and for our agent stream.
 */
public final class RecordIO {
    /** Largest record we accept from a peer; a larger length prefix means a broken or hostile stream. */
    public static final int MAX_RECORD_BYTES = 64 * 1024 * 1024;

    private RecordIO() {}

    public static byte[] frame(byte[] record) {
        byte[] prefix = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + record.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(record, 0, out, prefix.length, record.length);
        return out;
    }

    public static void write(OutputStream out, byte[] record) throws IOException {
        out.write(frame(record));
    }

    /** Reads records one at a time from a stream. Not thread-safe. */
    public static final class Reader {
        private final InputStream in;

        public Reader(InputStream in) {
            this.in = in;
        }

        /** The next record, or null at a clean end of stream (between records). */
        public byte[] next() throws IOException {
            long length = 0;
            int digits = 0;
            while (true) {
                int c = in.read();
                if (c == -1) {
                    if (digits == 0) return null;
                    throw new EOFException("stream ended inside a RecordIO length prefix");
                }
                if (c == '\n') break;
                if (c < '0' || c > '9' || ++digits > 10) {
                    throw new IOException("malformed RecordIO length prefix");
                }
                length = length * 10 + (c - '0');
            }
            if (digits == 0) throw new IOException("empty RecordIO length prefix");
            if (length > MAX_RECORD_BYTES) throw new IOException("RecordIO record of " + length + " bytes is too large");
            byte[] data = in.readNBytes((int) length);
            if (data.length != length) throw new EOFException("stream ended inside a RecordIO record");
            return data;
        }
    }

    /** Convenience for tests and tools: frames several records into one byte array. */
    public static byte[] frameAll(byte[]... records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] r : records) out.writeBytes(frame(r));
        return out.toByteArray();
    }
}
