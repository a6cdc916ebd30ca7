package io.strata.dns.naming;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sanitising rules as Mesos-DNS applies them; the cases come from its documented behaviour. */
class LabelSpecTest {

    @ParameterizedTest(name = "RFC1123 \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "|",
            "a|a",
            "-|",
            "a---|a",
            "---a---|a",
            "---a---b|a---b",
            "a.b.c.d.e|a-b-c-d-e",
            "a.c.d_de.|a-c-d-de",
            "4abc123|4abc123",
            "-4abc123|4abc123",
            "89fdgsf---gs7-fgs--d7fddg---123|89fdgsf---gs7-fgs--d7fddg---123",
            "89fdgsf---gs7-fgs--d7fddg-|89fdgsf---gs7-fgs--d7fddg",
            "fd%gsf---gs7-f$gs--d7fddg-123|fdgsf---gs7-fgs--d7fddg-123",
            "fd%gsf---gs7-f$gs--d7fddg123456789012345678901234567890123456789-123|fdgsf---gs7-fgs--d7fddg1234567890123456789012345678901234567891",
            "%%fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789---123|fdgsf---gs7-fgs--d7fddg1234567890123456789012345678901234567891",
            "##fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789-|fdgsf---gs7-fgs--d7fddg123456789012345678901234567890123456789",
            "web.prod|web-prod",
            "My_App|my-app",
            "Ünïcode-näme|ncode-nme",
    })
    void rfc1123(String in, String out) {
        assertThat(LabelSpec.RFC1123.label(in)).isEqualTo(out == null ? "" : out);
    }

    @ParameterizedTest(name = "RFC952 \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "4abc123|abc123",
            "-4abc123|abc123",
            "fd%gsf---gs7-f$gs--d7fddg-123|fdgsf---gs7-fgs--d7fddg1",
            "89fdgsf---gs7-fgs--d7fddg-123|fdgsf---gs7-fgs--d7fddg1",
            "89fdgsf---gs7-fgs--d7fddg---123|fdgsf---gs7-fgs--d7fddg1",
            "89fdgsf---gs7-fgs--d7fddg-|fdgsf---gs7-fgs--d7fddg",
            "chronos with a space AND MIXED CASE-2.0.1|chronoswithaspaceandmixe",
            "chronos with a space AND----------MIXED--|chronoswithaspaceandmixe",
            "hello--------------------------------------------------------f|hellof",
    })
    void rfc952(String in, String out) {
        assertThat(LabelSpec.RFC952.label(in)).isEqualTo(out);
    }

    @ParameterizedTest(name = "fragment \"{0}\" -> \"{1}\"")
    @CsvSource(delimiter = '|', emptyValue = "", value = {
            "|", ".|", "...|", "abc.|abc", ".a.c|a.c", "a..c.e|a.c.e", "space space.com|spacespace.com",
            "not$1234.com|not1234.com", "(@ host . com|host.com", "MiXeDcase.CoM|mixedcase.com",
            "marathon.prod|marathon.prod", "pod_123$abc.marathon-0.6.0-dev.mesos|pod-123abc.marathon-0.6.0-dev.mesos",
    })
    void domainFragment(String in, String out) {
        assertThat(LabelSpec.RFC1123.domainFragment(in)).isEqualTo(out == null ? "" : out);
    }

    @Test
    void rfc952FragmentKeepsDotsButShortensAndStripsDigits() {
        assertThat(LabelSpec.RFC952.domainFragment("pod_123$abc.marathon-0.6.0-dev.mesos")).isEqualTo("pod-123abc.marathon-0.dev.mesos");
    }

    @Test
    void anyInputGivesALabelThatFitsTheRules() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            int n = random.nextInt(90);
            for (int j = 0; j < n; j++) sb.append((char) (random.nextBoolean() ? random.nextInt(128) : "-._aZ09".charAt(random.nextInt(7))));
            String l1123 = LabelSpec.RFC1123.label(sb.toString());
            assertThat(l1123.length()).isLessThanOrEqualTo(63);
            assertThat(l1123).matches("([a-z0-9][a-z0-9-]*)?");
            String l952 = LabelSpec.RFC952.label(sb.toString());
            assertThat(l952.length()).isLessThanOrEqualTo(24);
            assertThat(l952).matches("([a-z][a-z0-9-]*)?");
        }
    }

    @Test
    void taskHashIsFiveZBase32CharactersOfTheSha1() {
        assertThat(TaskHash.of("test")).isEqualTo("iffe9");
        assertThat(TaskHash.of("web.0a1b2c")).hasSize(5).matches("[ybndrfg8ejkmcpqxot1uwisza345h769]{5}");
        assertThat(TaskHash.agentTail("20160107-001256-134875658-5050-27524-S3")).isEqualTo("s3");
        assertThat(TaskHash.agentTail("noDash")).isEqualTo("nodash");
    }
}
