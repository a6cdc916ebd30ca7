package io.strata.cosmos.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MediaTypeTest {
    static final MediaType V1 = MediaTypes.pkg("install-response", 1);
    static final MediaType V2 = MediaTypes.pkg("install-response", 2);

    @Test
    void printsAsCosmosDoes() {
        assertThat(MediaTypes.pkg("install-request", 1).toString())
                .isEqualTo("application/vnd.dcos.package.install-request+json;charset=utf-8;version=v1");
        assertThat(MediaTypes.ERROR.toString()).isEqualTo("application/vnd.dcos.package.error+json;charset=utf-8;version=v1");
        assertThat(MediaTypes.universeRepo(4).toString()).isEqualTo("application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4");
    }

    @Test
    void parsesParametersCaseInsensitivelyAndWithSpaces() {
        MediaType m = MediaType.parse("Application/VND.dcos.package.install-response+json; Charset=utf-8 ;version=v2").orElseThrow();
        assertThat(V2.accepts(m)).isTrue();
        assertThat(MediaType.parse("not a type")).isEmpty();
        assertThat(MediaType.parse("a/b;novalue")).isEmpty();
    }

    @Test
    void expectedParametersMustAllBePresent() {
        MediaType noVersion = MediaType.parse("application/vnd.dcos.package.install-response+json").orElseThrow();
        assertThat(noVersion.accepts(V2)).as("a client that names no version takes any").isTrue();
        assertThat(V2.accepts(noVersion)).as("a request type without its version does not match").isFalse();
        assertThat(V1.accepts(V2)).isFalse();
    }

    @Test
    void negotiationTakesTheClientsPreferenceByQuality() {
        List<MediaType> produces = List.of(V2, V1);
        assertThat(MediaType.negotiate(MediaType.parseList(V1 + "," + V2 + ";q=0.9"), produces)).contains(V1);
        assertThat(MediaType.negotiate(MediaType.parseList(V2.toString()), produces)).contains(V2);
        assertThat(MediaType.negotiate(MediaType.parseList("application/vnd.dcos.package.install-response+json"), produces))
                .contains(V2);
        assertThat(MediaType.negotiate(MediaType.parseList("application/json"), produces)).isEmpty();
        assertThat(MediaType.negotiate(MediaType.parseList("*/*"), produces)).isEmpty();
        assertThat(MediaType.negotiate(MediaType.parseList(V2 + ";q=0"), produces)).isEmpty();
    }
}
