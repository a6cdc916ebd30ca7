package io.strata.agent.containerizer.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {
    @Test
    void dockerHubNamesAsTheCliReadsThem() {
        ImageReference busybox = ImageReference.parse("busybox");
        assertThat(busybox.registry()).isEqualTo("docker.io");
        assertThat(busybox.onDockerHub()).isTrue();
        assertThat(busybox.pullRepository()).isEqualTo("busybox");
        assertThat(busybox.pullTag()).isEqualTo("latest");
        assertThat(busybox.authKey()).isEqualTo("https://index.docker.io/v1/");

        ImageReference nginx = ImageReference.parse("library/nginx:1.25-alpine");
        assertThat(nginx.repository()).isEqualTo("library/nginx");
        assertThat(nginx.pullTag()).isEqualTo("1.25-alpine");
        assertThat(ImageReference.parse("mesosphere/marathon-lb:v1.15.0").registry()).isEqualTo("docker.io");
    }

    @Test
    void aFirstComponentWithADotAColonOrLocalhostIsARegistry() {
        ImageReference local = ImageReference.parse("127.0.0.1:5000/team/app:2");
        assertThat(local.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(local.repository()).isEqualTo("team/app");
        assertThat(local.pullRepository()).isEqualTo("127.0.0.1:5000/team/app");
        assertThat(local.pullTag()).isEqualTo("2");
        assertThat(local.authKey()).isEqualTo("127.0.0.1:5000");
        assertThat(ImageReference.parse("registry.example.com/app").registry()).isEqualTo("registry.example.com");
        assertThat(ImageReference.parse("localhost/app").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("team/app").registry()).isEqualTo("docker.io");
    }

    @Test
    void digestsWinOverTags() {
        ImageReference pinned = ImageReference.parse("quay.io/org/app:1.0@sha256:abcdef");
        assertThat(pinned.tag()).isEqualTo("1.0");
        assertThat(pinned.digest()).isEqualTo("sha256:abcdef");
        assertThat(pinned.pullTag()).isEqualTo("sha256:abcdef");
        assertThat(pinned).hasToString("quay.io/org/app:1.0@sha256:abcdef");
    }

    @Test
    void refusesWhatIsNoImageName() {
        assertThatThrownBy(() -> ImageReference.parse(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("app:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("app@nodigest")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("a b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ImageReference.parse("registry.io/")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void registryKeysOfTheDockerConfigAreNormalized() {
        assertThat(ImageReference.registryHost("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(ImageReference.registryHost("http://127.0.0.1:5000/v2/")).isEqualTo("127.0.0.1:5000");
        assertThat(ImageReference.registryHost("Registry.Example.com")).isEqualTo("registry.example.com");
    }
}
