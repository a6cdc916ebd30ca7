package io.strata.cli;

import io.strata.cli.config.DcosConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * {@code dcos --version}: the CLI's version and the cluster's ({@code /dcos-metadata/dcos-version.json}), as
 * {@code key=value} lines like the DC/OS CLI prints. Deliberately light — no JSON library, no HTTP client
 * set-up, a short timeout — so that it answers at once, and says {@code N/A} when the cluster is not there.
 */
public final class Version {
    public static final String CLI_VERSION = "0.1.0";

    private Version() {}

    static int print(Cli cli) {
        cli.out.println("dcoscli.version=" + CLI_VERSION);
        String version = "N/A";
        String commit = "N/A";
        String bootstrap = "N/A";
        try {
            String body = fetch(DcosConfig.load(cli.env, cli.home).dcosUrl() + "/dcos-metadata/dcos-version.json");
            version = field(body, "version", version);
            commit = field(body, "dcos-image-commit", commit);
            bootstrap = field(body, "bootstrap-id", bootstrap);
        } catch (IOException | RuntimeException e) {
            // no cluster (or no configuration): the CLI's own version is still worth printing
        }
        cli.out.println("dcos.version=" + version);
        cli.out.println("dcos.commit=" + commit);
        cli.out.println("dcos.bootstrap-id=" + bootstrap);
        cli.out.flush();
        return 0;
    }

    /** A string field of a flat JSON object, without a JSON library (this runs before anything else is loaded). */
    static String field(String json, String name, String fallback) {
        int k = json.indexOf("\"" + name + "\"");
        if (k < 0) return fallback;
        int colon = json.indexOf(':', k + name.length() + 2);
        int open = colon < 0 ? -1 : json.indexOf('"', colon);
        int close = open < 0 ? -1 : json.indexOf('"', open + 1);
        if (close < 0 || !json.substring(colon + 1, open).isBlank()) return fallback;
        return json.substring(open + 1, close);
    }

    /**
     * GET over a plain socket for http:// (the URL machinery's set-up costs more than the request), over
     * HttpURLConnection for https://.
     */
    static String fetch(String url) throws IOException {
        URI uri = URI.create(url);
        if (!"http".equals(uri.getScheme())) return fetchWithUrlConnection(uri);
        int port = uri.getPort() < 0 ? 80 : uri.getPort();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 1000);
            s.setSoTimeout(2000);
            String request = "GET " + uri.getRawPath() + " HTTP/1.0\r\nHost: " + uri.getHost() + ":" + port
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            String response = new String(s.getInputStream().readNBytes(64 * 1024), StandardCharsets.UTF_8);
            int headersEnd = response.indexOf("\r\n\r\n");
            if (!response.startsWith("HTTP/1.") || !response.startsWith(" 200", 8) || headersEnd < 0) return "";
            return response.substring(headersEnd + 4);
        }
    }

    private static String fetchWithUrlConnection(URI uri) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        try {
            if (c.getResponseCode() != 200) return "";
            try (InputStream in = c.getInputStream()) {
                return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            }
        } finally {
            c.disconnect();
        }
    }

    /** {@code --version} on subcommands. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"dcoscli.version=" + CLI_VERSION};
        }
    }
}
