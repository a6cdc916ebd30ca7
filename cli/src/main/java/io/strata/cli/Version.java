package io.strata.cli;

import io.strata.cli.config.DcosConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * {@code dcos --version}: the CLI's version and the cluster's ({@code /dcos-metadata/dcos-version.json}), as
 * {@code key=value} lines like the DC/OS CLI prints. Deliberately light — no JSON library, no HTTP client
 * set-up, a short timeout — so that it answers at once, and says {@code N/A} when the cluster is not there.
 */
public final class Version {
    public static final String CLI_VERSION = "0.1.0";
    private static final Pattern FIELD = Pattern.compile("\"([a-z-]+)\"\\s*:\\s*\"([^\"]*)\"");

    private Version() {}

    static int print(Cli cli) {
        cli.out.println("dcoscli.version=" + CLI_VERSION);
        String version = "N/A";
        String commit = "N/A";
        String bootstrap = "N/A";
        try {
            String body = fetch(DcosConfig.load(cli.env, cli.home).dcosUrl() + "/dcos-metadata/dcos-version.json");
            Matcher m = FIELD.matcher(body);
            while (m.find()) {
                switch (m.group(1)) {
                    case "version" -> version = m.group(2);
                    case "dcos-image-commit" -> commit = m.group(2);
                    case "bootstrap-id" -> bootstrap = m.group(2);
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no cluster (or no configuration): the CLI's own version is still worth printing
        }
        cli.out.println("dcos.version=" + version);
        cli.out.println("dcos.commit=" + commit);
        cli.out.println("dcos.bootstrap-id=" + bootstrap);
        cli.out.flush();
        return 0;
    }

    private static String fetch(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
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
