package io.strata.lb.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on a fresh connection per request ({@code Connection: close}), so a test chooses the
 * Host header freely and every request goes through HAProxy's listener. A request fails when the connection is
 * refused or reset, or the answer is incomplete.
 */
public final class RawHttp {
    /** A complete answer. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private RawHttp() {}

    public static Response get(int port, String host, String path) throws IOException {
        return request("127.0.0.1", port, "GET", host, path, Map.of(), 5_000);
    }

    public static Response get(int port, String host, String path, Map<String, String> headers) throws IOException {
        return request("127.0.0.1", port, "GET", host, path, headers, 5_000);
    }

    public static Response request(String address, int port, String method, String host, String path,
                                   Map<String, String> headers, int timeoutMs) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), timeoutMs);
            s.setSoTimeout(timeoutMs);
            StringBuilder req = new StringBuilder();
            req.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return read(s.getInputStream());
        }
    }

    static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) all.write(buf, 0, n);
        String raw = all.toString(StandardCharsets.ISO_8859_1);
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) throw new IOException("incomplete response (" + raw.length() + " bytes)");
        String[] lines = raw.substring(0, end).split("\r\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) throw new IOException("not HTTP: " + lines[0]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int c = lines[i].indexOf(':');
            if (c > 0) headers.put(lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).strip());
        }
        String body = raw.substring(end + 4);
        String cl = headers.get("content-length");
        if (cl != null && body.length() < Integer.parseInt(cl)) {
            throw new IOException("truncated body: " + body.length() + " of " + cl + " bytes");
        }
        if (cl == null && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
        return new Response(Integer.parseInt(statusLine[1]), headers, body);
    }

    private static String dechunk(String s) throws IOException {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) throw new IOException("truncated chunked body");
            int size = Integer.parseInt(s.substring(i, eol).split(";")[0].strip(), 16);
            if (size == 0) return out.toString();
            if (eol + 2 + size > s.length()) throw new IOException("truncated chunk");
            out.append(s, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
