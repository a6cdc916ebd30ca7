package io.strata.cli.mesos;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tail} over the Mesos files API: the last N lines of a file, then (when following) what is appended to
 * it, read in pieces of at most {@link #CHUNK} bytes (the most an agent returns at once).
 */
final class FileTail {
    static final int CHUNK = 64 * 1024;

    /** Reads a piece of the file; null when it does not exist. */
    interface Reader {
        JsonNode read(long offset, long length);
    }

    private final Reader reader;
    private long offset = -1;

    FileTail(Reader reader) {
        this.reader = reader;
    }

    /** The last {@code lines} lines (null when the file does not exist); then {@link #more()} returns what follows. */
    List<String> last(int lines) {
        JsonNode size = reader.read(-1, -1);
        if (size == null) return null;
        long end = size.path("offset").asLong();
        long start = end;
        StringBuilder text = new StringBuilder();
        while (start > 0 && newlines(text) <= lines) {
            long from = Math.max(0, start - CHUNK);
            JsonNode piece = reader.read(from, start - from);
            if (piece == null) break;
            text.insert(0, piece.path("data").asText());
            start = from;
        }
        offset = end;
        List<String> all = new ArrayList<>(List.of(text.toString().split("\n", -1)));
        if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) all.remove(all.size() - 1); // the final newline
        if (lines <= 0) return List.of();
        return all.size() <= lines ? all : all.subList(all.size() - lines, all.size());
    }

    /** Whatever was appended since the last call ("" when nothing). */
    String more() {
        if (offset < 0) offset = 0;
        StringBuilder out = new StringBuilder();
        while (true) {
            JsonNode piece = reader.read(offset, CHUNK);
            if (piece == null) return out.toString();
            String data = piece.path("data").asText();
            if (data.isEmpty()) return out.toString();
            out.append(data);
            offset += data.getBytes(StandardCharsets.UTF_8).length;
            if (data.getBytes(StandardCharsets.UTF_8).length < CHUNK) return out.toString();
        }
    }

    private static int newlines(CharSequence s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) == '\n') n++;
        return n;
    }
}
