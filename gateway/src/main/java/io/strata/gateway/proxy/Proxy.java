package io.strata.gateway.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Forwards one request to an upstream and streams the answer back as it arrives: every chunk the upstream sends
 * is written and flushed as soon as nothing more is waiting, so Server-Sent Events (Marathon's
 * {@code /v2/events}) and RecordIO streams (the Mesos v1 APIs' SUBSCRIBE) pass through unbuffered, while bulk
 * bodies still go out in large writes. Only the wait for the upstream's response headers is bounded; a stream
 * lives as long as data flows (the server's idle timeout ends silent ones).
 *
 * <p>Request bodies are read whole, up to the configured limit (413 above it), and sent with a length.
 */
public final class Proxy {
    /** Hop-by-hop headers (RFC 7230 §6.1) and what java.net.http sets itself. */
    private static final Set<String> NOT_FORWARDED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-authorization", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", "host",
            "content-length", "expect", "http2-settings");
    private static final Set<String> NOT_RETURNED = Set.of("connection", "keep-alive", "proxy-authenticate",
            "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade", ":status");
    private static final int BUFFER = 16 * 1024;

    /** What a forwarded request became, for the access log and metrics. */
    public record Outcome(int status, long bytes) {}

    private final HttpClient client;
    private final long maxBodyBytes;
    private final Duration headerTimeout;

    public Proxy(HttpClient client, long maxBodyBytes, Duration headerTimeout) {
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
        this.headerTimeout = headerTimeout;
    }

    /**
     * @param target          the full upstream URL (base, path and query)
     * @param upstreamName    for error messages ("Marathon", "service 'jenkins'")
     * @param locationRewrite applied to a {@code Location} header on the way back
     * @throws ProxyFailure   before anything was written: the caller answers with its status and message
     */
    public Outcome forward(HttpServletRequest req, HttpServletResponse res, String target, String upstreamName,
                           Map<String, String> extraHeaders, UnaryOperator<String> locationRewrite)
            throws ProxyFailure, IOException {
        URI uri;
        try {
            uri = URI.create(target);
        } catch (IllegalArgumentException e) {
            throw new ProxyFailure(400, "The request URL cannot be forwarded: " + e.getMessage());
        }
        byte[] body = readBody(req);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(headerTimeout);
        b.method(req.getMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        copyRequestHeaders(req, b);
        extraHeaders.forEach((k, v) -> setHeader(b, k, v));
        HttpResponse<InputStream> upstream;
        try {
            upstream = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ProxyFailure(504, upstreamName + " at " + base(uri) + " did not answer within "
                    + headerTimeout.toSeconds() + " s");
        } catch (ConnectException | UnresolvedAddressException e) {
            throw new ProxyFailure(502, upstreamName + " at " + base(uri) + " is not reachable (" + describe(e)
                    + "); is it running?");
        } catch (IOException e) {
            throw new ProxyFailure(502, upstreamName + " at " + base(uri) + " failed: " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProxyFailure(503, "The gateway is shutting down");
        }
        return relay(upstream, res, locationRewrite);
    }

    private Outcome relay(HttpResponse<InputStream> upstream, HttpServletResponse res, UnaryOperator<String> locationRewrite)
            throws IOException {
        res.setStatus(upstream.statusCode());
        HttpHeaders headers = upstream.headers();
        for (Map.Entry<String, List<String>> h : headers.map().entrySet()) {
            String name = h.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_RETURNED.contains(lower)) continue;
            for (String value : h.getValue()) {
                if (lower.equals("location")) value = locationRewrite.apply(value);
                res.addHeader(name, value);
            }
        }
        long total = 0;
        try (InputStream in = upstream.body()) {
            OutputStream out = res.getOutputStream();
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) >= 0) {
                if (n == 0) continue;
                out.write(buf, 0, n);
                total += n;
                // flush when the upstream has nothing more for us right now: a stream's event goes out at once
                if (in.available() == 0) out.flush();
            }
            out.flush();
        }
        return new Outcome(upstream.statusCode(), total);
    }

    private byte[] readBody(HttpServletRequest req) throws ProxyFailure, IOException {
        long declared = req.getContentLengthLong();
        if (declared > maxBodyBytes) throw tooLarge();
        boolean chunked = "chunked".equalsIgnoreCase(req.getHeader("Transfer-Encoding"));
        if (declared <= 0 && !chunked) return new byte[0];
        byte[] body = req.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBodyBytes + 1));
        if (body.length > maxBodyBytes) throw tooLarge();
        return body;
    }

    private ProxyFailure tooLarge() {
        return new ProxyFailure(413, "The request body is larger than the gateway's limit of " + maxBodyBytes + " bytes");
    }

    private static void copyRequestHeaders(HttpServletRequest req, HttpRequest.Builder b) {
        String forwardedFor = null;
        for (String name : Collections.list(req.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_FORWARDED.contains(lower)) continue;
            if (lower.equals("x-forwarded-for")) {
                forwardedFor = String.join(", ", Collections.list(req.getHeaders(name)));
                continue;
            }
            for (String value : Collections.list(req.getHeaders(name))) addHeader(b, name, value);
        }
        String remote = req.getRemoteAddr();
        setHeader(b, "X-Forwarded-For", forwardedFor == null ? remote : forwardedFor + ", " + remote);
        setHeader(b, "X-Real-IP", remote);
        setHeader(b, "X-Forwarded-Proto", req.getScheme());
        String host = req.getHeader("Host");
        if (host != null) setHeader(b, "X-Forwarded-Host", host);
    }

    private static void addHeader(HttpRequest.Builder b, String name, String value) {
        try {
            b.header(name, value);
        } catch (IllegalArgumentException e) {
            // a header java.net.http does not let us set (restricted) or an invalid value: leave it out
        }
    }

    private static void setHeader(HttpRequest.Builder b, String name, String value) {
        try {
            b.setHeader(name, value);
        } catch (IllegalArgumentException e) {
            // as above
        }
    }

    private static String base(URI uri) {
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getMessage() == null) t = t.getCause();
        if (t instanceof ConnectException) return "connection refused";
        if (t instanceof UnresolvedAddressException) return "unknown host";
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }
}
