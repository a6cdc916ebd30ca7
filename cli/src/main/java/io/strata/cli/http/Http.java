package io.strata.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.CliException;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The CLI's HTTP: JSON in and out, the cluster's token when one is configured, and every failure turned into
 * one line that says what happened and what to do ({@link HttpErrors}).
 *
 * <p>Built on {@link HttpURLConnection}, not {@code java.net.http.HttpClient}: a command makes a handful of
 * short requests, and the HttpClient's set-up (its selector thread and the default TLS context, which loads
 * the CA certificates even for http://) made a first request cost ~0.6 s more wall time (measured, docs/CLI.md).
 */
public final class Http {
    private final Duration timeout;
    private final String token;
    private final boolean verifyTls;
    private SSLSocketFactory trustAll;

    /** A response whose status the caller looks at itself. */
    public record Response(int status, String body) {
        public JsonNode json() {
            return Jsons.parse(body, "the answer");
        }
    }

    public Http(Duration timeout, String token, boolean verifyTls) {
        this.timeout = timeout;
        this.token = token == null || token.isBlank() ? null : token;
        this.verifyTls = verifyTls;
    }

    public Duration timeout() {
        return timeout;
    }

    public JsonNode get(String url) {
        return send("GET", url, null);
    }

    /** Sends JSON (or nothing) and expects a 2xx answer with JSON (or nothing: then null). */
    public JsonNode send(String method, String url, JsonNode body) {
        Response r = request(method, url, body == null ? null : Jsons.compact(body), timeout);
        if (r.status() / 100 != 2) throw new CliException(HttpErrors.message(method, url, r.status(), r.body()));
        if (r.body().isBlank()) return null;
        return r.json();
    }

    /** Any status comes back; only failing to talk at all is an error. */
    public Response request(String method, String url, String jsonBody, Duration requestTimeout) {
        Reply r = exchange(method, url, jsonBody == null ? Map.of() : Map.of("Content-Type", "application/json"), jsonBody, requestTimeout);
        return new Response(r.status(), r.body());
    }

    /** A response with its {@code Content-Type}, for APIs that version their bodies by media type (Cosmos). */
    public record Reply(int status, String contentType, String body) {}

    /**
     * Sends {@code body} (or nothing) with the given headers ({@code Accept} and {@code Content-Type} default to
     * JSON); any status comes back, only failing to talk at all is an error.
     */
    public Reply exchange(String method, String url, Map<String, String> headers, String body, Duration requestTimeout) {
        HttpURLConnection c;
        try {
            c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        } catch (IllegalArgumentException | IOException e) {
            throw new CliException("'" + url + "' is not a valid URL; check core.dcos_url with: dcos config show");
        }
        int connectMillis = (int) Math.min(10_000, Math.max(1_000, timeout.toMillis()));
        try {
            c.setRequestMethod(method);
            c.setConnectTimeout(connectMillis);
            c.setReadTimeout(requestTimeout == null ? 0 : (int) Math.min(Integer.MAX_VALUE, requestTimeout.toMillis()));
            c.setInstanceFollowRedirects(true);
            c.setUseCaches(false);
            c.setRequestProperty("Accept", headers.getOrDefault("Accept", "application/json"));
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (!h.getKey().equals("Accept") && !h.getKey().equals("Content-Type")) c.setRequestProperty(h.getKey(), h.getValue());
            }
            if (token != null) c.setRequestProperty("Authorization", "token=" + token);
            if (!verifyTls && c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(trustAll());
                https.setHostnameVerifier((host, session) -> true);
            }
            if (body != null) {
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                c.setDoOutput(true);
                c.setRequestProperty("Content-Type", headers.getOrDefault("Content-Type", "application/json"));
                c.setFixedLengthStreamingMode(bytes.length);
                try (OutputStream out = c.getOutputStream()) {
                    out.write(bytes);
                }
            }
            int status = c.getResponseCode();
            InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream();
            String text = "";
            if (in != null) {
                try (in) {
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return new Reply(status, c.getContentType(), text);
        } catch (ConnectException e) {
            throw new CliException(unreachable(url, "connection refused"));
        } catch (UnknownHostException e) {
            throw new CliException(unreachable(url, "unknown host"));
        } catch (SocketTimeoutException e) {
            if (String.valueOf(e.getMessage()).contains("connect")) {
                throw new CliException("Cannot reach " + origin(url) + ": no connection within " + connectMillis / 1000
                        + " s; check core.dcos_url with: dcos config show");
            }
            throw new CliException(method + " " + url + " got no answer within " + (requestTimeout == null ? 0 : requestTimeout.toSeconds())
                    + " s; try again, or allow longer with: dcos config set core.timeout <seconds>");
        } catch (IOException e) {
            throw new CliException(method + " " + url + " failed: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
    }

    static String unreachable(String url, String why) {
        return "Cannot reach the cluster at " + origin(url) + " (" + why + "); is it running? "
                + "Point the CLI at it with: dcos config set core.dcos_url http://<host>:<port>";
    }

    static String origin(String url) {
        int scheme = url.indexOf("://");
        int slash = scheme < 0 ? -1 : url.indexOf('/', scheme + 3);
        return slash < 0 ? url : url.substring(0, slash);
    }

    private SSLSocketFactory trustAll() {
        if (trustAll != null) return trustAll;
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            trustAll = ctx.getSocketFactory();
            return trustAll;
        } catch (java.security.GeneralSecurityException e) {
            throw new CliException("Cannot set up TLS: " + e.getMessage());
        }
    }
}
