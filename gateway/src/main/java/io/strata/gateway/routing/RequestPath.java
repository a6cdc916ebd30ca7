package io.strata.gateway.routing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The path of a request as the gateway routes and forwards it: still percent-encoded (upstreams decode it
 * themselves), with repeated slashes merged and {@code .} segments dropped, as nginx does. A path that could
 * climb out of where it is routed is refused: a {@code ..} segment, or any encoding of one ({@code %2e%2e},
 * {@code ..%2f}, {@code %252e%252e}, backslashes), NUL or other control characters, malformed escapes.
 */
public final class RequestPath {
    /** Escapes are decoded this many times when looking for hidden dot-segments (catches double encoding). */
    private static final int DECODE_ROUNDS = 3;

    public sealed interface Result permits Ok, Rejected {}

    /** @param path the normalised, still encoded path; always starts with '/' */
    public record Ok(String path) implements Result {}

    public record Rejected(String reason) implements Result {}

    private RequestPath() {}

    public static Result normalise(String raw) {
        if (raw == null || raw.isEmpty()) return new Ok("/");
        if (raw.charAt(0) != '/') return new Rejected("the request path must start with '/'");
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c < 0x20 || c == 0x7f) return new Rejected("the request path contains a control character");
            if (c == '\\') return new Rejected("the request path contains a backslash");
        }
        List<String> kept = new ArrayList<>();
        String[] segments = raw.split("/", -1);
        for (int i = 1; i < segments.length; i++) {
            String segment = segments[i];
            boolean last = i == segments.length - 1;
            if (segment.isEmpty() && !last) continue; // "//" → "/"
            if (segment.equals(".")) {
                if (last) kept.add("");
                continue;
            }
            if (segment.equals("..")) return new Rejected("the request path contains '..'");
            String problem = hiddenTraversal(segment);
            if (problem != null) return new Rejected(problem);
            kept.add(segment);
        }
        return new Ok("/" + String.join("/", kept));
    }

    /** Decodes a segment a few times; a dot-segment, separator or control character showing up is an attack. */
    private static String hiddenTraversal(String segment) {
        String s = segment;
        for (int round = 0; round < DECODE_ROUNDS && s.indexOf('%') >= 0; round++) {
            String decoded;
            try {
                decoded = percentDecode(s);
            } catch (IllegalArgumentException e) {
                return round == 0 ? "the request path has a malformed %-escape" : null;
            }
            for (int i = 0; i < decoded.length(); i++) {
                char c = decoded.charAt(i);
                if (c < 0x20 || c == 0x7f) return "the request path contains an encoded control character";
                if (c == '\\') return "the request path contains an encoded backslash";
            }
            for (String part : decoded.split("/", -1)) {
                if (part.equals("..") || part.equals(".")) return "the request path contains an encoded '..' or '.'";
            }
            s = decoded;
        }
        return null;
    }

    /** RFC 3986 percent-decoding (no '+' handling: that is for query strings). */
    public static String percentDecode(String s) {
        if (s.indexOf('%') < 0) return s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if (b != '%') {
                out.write(b);
                continue;
            }
            if (i + 2 >= bytes.length) throw new IllegalArgumentException("truncated escape");
            int hi = Character.digit(bytes[i + 1], 16);
            int lo = Character.digit(bytes[i + 2], 16);
            if (hi < 0 || lo < 0) throw new IllegalArgumentException("bad escape");
            out.write((hi << 4) | lo);
            i += 2;
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
