package io.strata.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @ParameterizedTest
    @CsvSource({
            "/, /",
            "/mesos/master/state, /mesos/master/state",
            "/mesos//master///state, /mesos/master/state",
            "/mesos/./master/state, /mesos/master/state",
            "/service/jenkins/, /service/jenkins/",
            "/service/jenkins/., /service/jenkins/",
            "/marathon/v2/apps/%2Fgroup%2Fapp, /marathon/v2/apps/%2Fgroup%2Fapp",
            "/x/..foo/bar.., /x/..foo/bar..",
            "/x/%41, /x/%41",
    })
    void normalisesWithoutDecoding(String raw, String expected) {
        assertThat(RequestPath.normalise(raw)).isEqualTo(new RequestPath.Ok(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "/mesos/../etc/passwd",
            "/..",
            "/mesos/%2e%2e/etc",
            "/mesos/%2E%2E/etc",
            "/mesos/.%2e/etc",
            "/mesos/%2e./etc",
            "/mesos/..%2fetc",
            "/mesos/..%2Fetc",
            "/mesos/%2e%2e%2fetc",
            "/mesos/%252e%252e/etc",
            "/mesos/%25252e%25252e/etc",
            "/mesos/..%5cetc",
            "/mesos/a\\..\\b",
            "/mesos/%00",
            "/mesos/%zz",
            "/mesos/%2",
            "mesos/relative",
            "/ui/%2e",
    })
    void refusesTraversalInEveryEncoding(String raw) {
        assertThat(RequestPath.normalise(raw)).isInstanceOf(RequestPath.Rejected.class);
    }

    @ParameterizedTest
    @CsvSource({"%41%42, AB", "a%2Fb, a/b", "%e2%82%ac, €", "plain, plain"})
    void percentDecodes(String in, String out) {
        assertThat(RequestPath.percentDecode(in)).isEqualTo(out);
    }
}
