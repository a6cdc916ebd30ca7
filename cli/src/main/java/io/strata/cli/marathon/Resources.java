package io.strata.cli.marathon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.http.Http;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Definitions the user gives: a file, an http(s) URL or stdin holding JSON ({@code app add}, {@code group add}),
 * or {@code key=value} properties ({@code app update <id> instances=3 cmd="sleep 100"}).
 */
final class Resources {
    /** App and group fields that are strings, so {@code cmd=123} stays the text "123". */
    private static final Set<String> STRING_FIELDS = Set.of("id", "cmd", "user", "executor", "version", "role");

    private Resources() {}

    /** Reads JSON from a file, a URL, or stdin when {@code resource} is null. */
    static JsonNode read(Cli cli, String resource, String what, String example) {
        String text;
        String source;
        if (resource == null) {
            if (cli.stdinIsTerminal) {
                throw new CliException("Give the " + what + " as a file or on stdin, e.g.: " + example);
            }
            try {
                text = new String(cli.in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new CliException("Cannot read the " + what + " from stdin: " + e.getMessage());
            }
            source = "the " + what + " on stdin";
            if (text.isBlank()) throw new CliException("Nothing on stdin; give the " + what + " as a file, e.g.: " + example);
        } else if (resource.startsWith("http://") || resource.startsWith("https://")) {
            Http.Response r = cli.http().request("GET", resource, null, cli.http().timeout());
            if (r.status() != 200) throw new CliException("Cannot read " + resource + ": HTTP " + r.status());
            text = r.body();
            source = resource;
        } else {
            try {
                text = Files.readString(Path.of(resource), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException("Can't read from resource: " + resource + ". Please check that it exists.");
            } catch (IOException e) {
                throw new CliException("Can't read from resource: " + resource + " (" + e.getMessage() + ")");
            }
            source = resource;
        }
        JsonNode json = Jsons.parse(text, source);
        if (!json.isObject()) throw new CliException(source + " must hold a JSON object (the " + what + ")");
        return json;
    }

    /** {@code key=value} properties as a JSON object; values are JSON when they parse as JSON, else strings. */
    static ObjectNode properties(List<String> properties) {
        ObjectNode o = Jsons.object();
        for (String p : properties) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new CliException("'" + p + "' is not a property; write <key>=<value>, e.g. instances=3 or cmd=\"sleep 100\"");
            }
            String key = p.substring(0, eq).strip();
            String value = p.substring(eq + 1);
            if (STRING_FIELDS.contains(key)) {
                o.put(key, value);
                continue;
            }
            try {
                JsonNode v = Jsons.MAPPER.readTree(value);
                o.set(key, v == null || v.isMissingNode() ? Jsons.MAPPER.getNodeFactory().textNode(value) : v);
            } catch (IOException e) {
                o.put(key, value);
            }
        }
        return o;
    }

    /** Properties from the command line, or a JSON object on stdin when there are none. */
    static JsonNode propertiesOrStdin(Cli cli, List<String> properties, String what, String example) {
        if (properties != null && !properties.isEmpty()) return properties(properties);
        return read(cli, null, what, example);
    }
}
