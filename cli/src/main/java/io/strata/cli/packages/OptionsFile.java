package io.strata.cli.packages;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * {@code --options=<file>}: the user's values for a package's {@code config.json} schema, a JSON object. Read
 * before anything is sent, so a missing or broken file fails the command before it prompts or installs.
 */
final class OptionsFile {
    private OptionsFile() {}

    /** The options in {@code path} ({@code ~} expanded), or null when no file was given. */
    static JsonNode read(Cli cli, String path) {
        if (path == null) return null;
        Path file;
        try {
            file = path.equals("~") ? cli.home : path.startsWith("~/") ? cli.home.resolve(path.substring(2)) : Path.of(path);
        } catch (InvalidPathException e) {
            throw new CliException("Error opening file [" + path + "]: not a valid path");
        }
        String text;
        try {
            if (Files.isDirectory(file)) throw new CliException("Error opening file [" + path + "]: Is a directory");
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new CliException("Error opening file [" + path + "]: No such file or directory");
        } catch (AccessDeniedException e) {
            throw new CliException("Error opening file [" + path + "]: Permission denied");
        } catch (IOException e) {
            throw new CliException("Error opening file [" + path + "]: " + e.getMessage());
        }
        JsonNode json;
        try {
            json = Jsons.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new CliException("Error loading JSON from [" + path + "]: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        if (json == null || json.isMissingNode()) throw new CliException("Error loading JSON from [" + path + "]: the file is empty");
        if (!json.isObject()) {
            throw new CliException("Error loading JSON from [" + path + "]: the options must be a JSON object, e.g. "
                    + "{\"service\": {\"name\": \"my-service\"}}");
        }
        return json;
    }
}
