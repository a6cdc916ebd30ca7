package io.strata.cli.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.CliException;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The CLI's HTTP: JSON in and out, the cluster's token when one is configured, and every failure turned into
 * one line that says what happened and what to do ({@link HttpErrors}).
 */
public final class Http {
    private final Duration timeout;
    private final String token;
    private final boolean verifyTls;
    private HttpClient client;

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

    private HttpClient client() {
        if (client == null) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(Math.min(10, Math.max(1, timeout.toSeconds()))))
                    .followRedirects(HttpClient.Redirect.NORMAL);
            if (!verifyTls) b.sslContext(trustAll());
            client = b.build();
        }
        return client;
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
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(url));
        } catch (IllegalArgumentException e) {
            throw new CliException("'" + url + "' is not a valid URL; check core.dcos_url with: dcos config show");
        }
        if (requestTimeout != null) b.timeout(requestTimeout);
        b.header("Accept", "application/json");
        if (token != null) b.header("Authorization", "token=" + token);
        if (jsonBody != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<InputStream> res = client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = res.body()) {
                return new Response(res.statusCode(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (HttpConnectTimeoutException e) {
            throw new CliException("Cannot reach " + origin(url) + ": no connection within "
                    + client().connectTimeout().map(Duration::toSeconds).orElse(0L) + " s; check core.dcos_url with: dcos config show");
        } catch (HttpTimeoutException e) {
            throw new CliException(method + " " + url + " got no answer within " + requestTimeout.toSeconds()
                    + " s; try again, or allow longer with: dcos config set core.timeout <seconds>");
        } catch (ConnectException e) {
            throw new CliException(unreachable(url, "connection refused"));
        } catch (IOException e) {
            Throwable root = e;
            while (root.getCause() != null) root = root.getCause();
            if (root instanceof UnresolvedAddressException || root instanceof UnknownHostException) {
                throw new CliException(unreachable(url, "unknown host"));
            }
            if (root instanceof ConnectException) throw new CliException(unreachable(url, "connection refused"));
            throw new CliException(method + " " + url + " failed: " + (root.getMessage() == null ? root.toString() : root.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted", 130);
        }
    }

    /** For streams the caller reads as they come (no request timeout). */
    public HttpResponse<InputStream> stream(String url) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
            if (token != null) b.header("Authorization", "token=" + token);
            return client().send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new CliException(unreachable(url, "connection refused"));
        } catch (IOException e) {
            throw new CliException("GET " + url + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("Interrupted", 130);
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

    private static SSLContext trustAll() {
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
            return ctx;
        } catch (java.security.GeneralSecurityException e) {
            throw new CliException("Cannot set up TLS: " + e.getMessage());
        }
    }
}
