package io.strata.lb.haproxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code haproxy -c}: whether HAProxy accepts a configuration, and where it complains — the line numbers and proxy
 * names in its alerts, which the caller maps back to the apps that wrote them.
 */
public final class ConfigChecker {
    private static final Pattern LINE = Pattern.compile("\\[[^\\[\\]]*:(\\d+)\\]");
    private static final Pattern PROXY = Pattern.compile("(?i)(?:proxy|frontend|backend|listen|userlist|server) '([^']+)'");

    /** The verdict; {@code lines} and {@code proxies} come from ALERT lines only. */
    public record Result(boolean valid, String output, List<Integer> lines, List<String> proxies) {}

    private final String binary;

    public ConfigChecker(String binary) {
        this.binary = binary;
    }

    public Result check(Path config) throws IOException {
        Process p = new ProcessBuilder(binary, "-c", "-f", config.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result(false, "haproxy -c did not finish within 60 s", List.of(), List.of());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while checking " + config, e);
        }
        return parse(p.exitValue() == 0, out);
    }

    static Result parse(boolean valid, String output) {
        Set<Integer> lines = new LinkedHashSet<>();
        Set<String> proxies = new LinkedHashSet<>();
        for (String line : output.split("\n")) {
            if (!line.contains("ALERT")) continue;
            Matcher m = LINE.matcher(line);
            while (m.find()) lines.add(Integer.parseInt(m.group(1)));
            Matcher px = PROXY.matcher(line);
            while (px.find()) proxies.add(px.group(1));
        }
        return new Result(valid, output.strip(), new ArrayList<>(lines), new ArrayList<>(proxies));
    }
}
