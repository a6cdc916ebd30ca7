package io.strata.agent.containerizer.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.model.AuthConfig;
import io.strata.common.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registry credentials for pulls, from the Docker CLI's {@code config.json} as {@code docker login} writes it: a
 * {@code credHelpers} entry for the registry, else its {@code auths} entry ({@code auth} = base64 of
 * {@code user:password}, or {@code username}/{@code password}, or {@code identitytoken}), else the
 * {@code credsStore}. Helpers are the CLI's {@code docker-credential-<name>} programs, asked with {@code get}.
 * The file is read for every pull, so a {@code docker login} after the agent started counts.
 */
public final class RegistryCredentials {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryCredentials.class);
    private static final long HELPER_TIMEOUT_SECONDS = 20;

    private final Path configFile;
    private final Function<String, Optional<Path>> helpers;

    public RegistryCredentials(Path configFile) {
        this(configFile, RegistryCredentials::onPath);
    }

    /** @param helpers finds the executable of a credential helper program by its name */
    RegistryCredentials(Path configFile, Function<String, Optional<Path>> helpers) {
        this.configFile = configFile;
        this.helpers = helpers;
    }

    public Path configFile() {
        return configFile;
    }

    /** The credentials for the image's registry; empty when the config has none (an anonymous pull). */
    public Optional<AuthConfig> forImage(ImageReference image) throws CredentialsException {
        JsonNode config;
        try {
            if (configFile == null || !Files.isRegularFile(configFile)) return Optional.empty();
            config = Json.read(Files.readString(configFile, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            throw new CredentialsException("cannot read the Docker config " + configFile + ": " + e.getMessage());
        }
        String host = ImageReference.registryHost(image.authKey());

        String helper = match(config.path("credHelpers"), host).map(JsonNode::asText).orElse(null);
        if (helper != null && !helper.isBlank()) return Optional.of(fromHelper(helper, serverKey(config, image, host)));

        Optional<Map.Entry<String, JsonNode>> entry = matchEntry(config.path("auths"), host);
        if (entry.isPresent()) {
            Optional<AuthConfig> auth = fromAuthsEntry(entry.get().getKey(), entry.get().getValue());
            if (auth.isPresent()) return auth;
        }
        String store = config.path("credsStore").asText("");
        if (!store.isBlank()) {
            AuthConfig a = fromHelper(store, serverKey(config, image, host));
            // a store without an entry for this registry answers with nothing: pull anonymously
            return a.getUsername() == null && a.getIdentitytoken() == null ? Optional.empty() : Optional.of(a);
        }
        return Optional.empty();
    }

    private static String serverKey(JsonNode config, ImageReference image, String host) {
        return matchEntry(config.path("auths"), host).map(Map.Entry::getKey).orElse(image.authKey());
    }

    static Optional<AuthConfig> fromAuthsEntry(String key, JsonNode e) throws CredentialsException {
        AuthConfig a = new AuthConfig().withRegistryAddress(key);
        String auth = e.path("auth").asText("");
        if (!auth.isEmpty()) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException ex) {
                throw new CredentialsException("the 'auth' of " + key + " in the Docker config is not base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) throw new CredentialsException("the 'auth' of " + key + " in the Docker config is not user:password");
            a.withUsername(decoded.substring(0, colon)).withPassword(decoded.substring(colon + 1));
        } else if (e.hasNonNull("username")) {
            a.withUsername(e.get("username").asText()).withPassword(e.path("password").asText(""));
        }
        if (e.hasNonNull("identitytoken")) a.withIdentityToken(e.get("identitytoken").asText());
        if (e.hasNonNull("registrytoken")) a.withRegistrytoken(e.get("registrytoken").asText());
        if (a.getUsername() == null && a.getIdentitytoken() == null && a.getRegistrytoken() == null) return Optional.empty();
        return Optional.of(a);
    }

    private AuthConfig fromHelper(String name, String server) throws CredentialsException {
        String program = "docker-credential-" + name;
        if (!name.matches("[A-Za-z0-9_.-]+")) throw new CredentialsException("invalid credential helper name '" + name + "'");
        Path exe = helpers.apply(program)
                .orElseThrow(() -> new CredentialsException("the credential helper " + program + " is not installed"));
        try {
            Process p = new ProcessBuilder(exe.toString(), "get").redirectErrorStream(false).start();
            try (OutputStream in = p.getOutputStream()) {
                in.write(server.getBytes(StandardCharsets.UTF_8));
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(HELPER_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CredentialsException(program + " did not answer within " + HELPER_TIMEOUT_SECONDS + "s");
            }
            String text = new String(out, StandardCharsets.UTF_8).trim();
            if (p.exitValue() != 0) {
                // "credentials not found in native keychain": no entry, an anonymous pull
                if ((text + new String(err, StandardCharsets.UTF_8)).toLowerCase().contains("credentials not found")) {
                    return new AuthConfig().withRegistryAddress(server);
                }
                throw new CredentialsException(program + " failed: " + (text.isEmpty() ? new String(err, StandardCharsets.UTF_8).trim() : text));
            }
            JsonNode j = Json.read(text);
            AuthConfig a = new AuthConfig().withRegistryAddress(server);
            String user = j.path("Username").asText("");
            String secret = j.path("Secret").asText("");
            if (user.equals("<token>")) a.withIdentityToken(secret);
            else if (!user.isEmpty()) a.withUsername(user).withPassword(secret);
            return a;
        } catch (IOException | RuntimeException e) {
            throw new CredentialsException(program + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialsException(program + " was interrupted");
        }
    }

    private static Optional<JsonNode> match(JsonNode object, String host) {
        return matchEntry(object, host).map(Map.Entry::getValue);
    }

    private static Optional<Map.Entry<String, JsonNode>> matchEntry(JsonNode object, String host) {
        if (object == null || !object.isObject()) return Optional.empty();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ImageReference.registryHost(e.getKey()).equals(host)) return Optional.of(e);
        }
        return Optional.empty();
    }

    static Optional<Path> onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return Optional.of(p);
        }
        LOG.debug("msg=\"credential helper not found on PATH\" program={}", program);
        return Optional.empty();
    }

    /** The credentials could not be found out; the pull does not happen. */
    public static final class CredentialsException extends Exception {
        public CredentialsException(String message) {
            super(message);
        }
    }
}
