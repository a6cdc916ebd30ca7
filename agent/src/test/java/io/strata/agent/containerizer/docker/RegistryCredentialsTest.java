package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.model.AuthConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {
    @TempDir
    Path dir;

    private static String basic(String user, String password) {
        return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void noConfigMeansAnAnonymousPull() throws Exception {
        RegistryCredentials none = new RegistryCredentials(dir.resolve("missing.json"));
        assertThat(none.forImage(ImageReference.parse("busybox"))).isEmpty();
    }

    @Test
    void readsTheAuthsThatDockerLoginWrites() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, """
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "127.0.0.1:5000": {"username": "ci", "password": "s3cret"},
                  "https://registry.example.com": {"identitytoken": "tok"},
                  "empty.example.com": {}
                }}""".formatted(basic("hub-user", "hub:pass")));
        RegistryCredentials creds = new RegistryCredentials(config);

        AuthConfig hub = creds.forImage(ImageReference.parse("library/nginx")).orElseThrow();
        assertThat(hub.getUsername()).isEqualTo("hub-user");
        assertThat(hub.getPassword()).as("only the first colon splits").isEqualTo("hub:pass");
        assertThat(hub.getRegistryAddress()).isEqualTo("https://index.docker.io/v1/");

        AuthConfig local = creds.forImage(ImageReference.parse("127.0.0.1:5000/app:1")).orElseThrow();
        assertThat(local.getUsername()).isEqualTo("ci");
        assertThat(local.getPassword()).isEqualTo("s3cret");

        assertThat(creds.forImage(ImageReference.parse("registry.example.com/app")).orElseThrow().getIdentitytoken()).isEqualTo("tok");
        assertThat(creds.forImage(ImageReference.parse("empty.example.com/app"))).isEmpty();
        assertThat(creds.forImage(ImageReference.parse("other.example.com/app"))).isEmpty();
    }

    @Test
    void asksCredentialHelpersLikeTheDockerCli() throws Exception {
        Path helper = dir.resolve("docker-credential-fake");
        Files.writeString(helper, """
                #!/bin/sh
                read server
                case "$server" in
                  127.0.0.1:5000) echo '{"ServerURL":"127.0.0.1:5000","Username":"helper-user","Secret":"helper-secret"}' ;;
                  *) echo "credentials not found in native keychain"; exit 1 ;;
                esac
                """);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\":{\"127.0.0.1:5000\":{}},\"credsStore\":\"fake\"}");
        RegistryCredentials creds = new RegistryCredentials(config,
                name -> name.equals("docker-credential-fake") ? Optional.of(helper) : Optional.empty());

        AuthConfig a = creds.forImage(ImageReference.parse("127.0.0.1:5000/app")).orElseThrow();
        assertThat(a.getUsername()).isEqualTo("helper-user");
        assertThat(a.getPassword()).isEqualTo("helper-secret");
        assertThat(creds.forImage(ImageReference.parse("elsewhere.io/app"))).as("the store knows nothing of it").isEmpty();

        Files.writeString(config, "{\"credHelpers\":{\"127.0.0.1:5000\":\"missing\"}}");
        assertThatThrownBy(() -> creds.forImage(ImageReference.parse("127.0.0.1:5000/app")))
                .isInstanceOf(RegistryCredentials.CredentialsException.class).hasMessageContaining("docker-credential-missing");
    }

    @Test
    void aBrokenConfigStopsThePullWithAReason() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{not json");
        assertThatThrownBy(() -> new RegistryCredentials(config).forImage(ImageReference.parse("busybox")))
                .isInstanceOf(RegistryCredentials.CredentialsException.class).hasMessageContaining(config.toString());
        Files.writeString(config, "{\"auths\":{\"docker.io\":{\"auth\":\"!!\"}}}");
        assertThatThrownBy(() -> new RegistryCredentials(config).forImage(ImageReference.parse("busybox")))
                .hasMessageContaining("base64");
    }
}
