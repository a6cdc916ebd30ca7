package io.strata.lb.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateTest {
    @Test
    void replacesPlaceholdersAndUnescapesBraces() {
        assertThat(Template.format("  use_backend {backend} if {{ ssl_fc_sni {hostname} }}\n",
                Map.of("backend", "web_10000", "hostname", "a.example.com")))
                .isEqualTo("  use_backend web_10000 if { ssl_fc_sni a.example.com }\n");
    }

    @Test
    void unknownPlaceholderNamesWhatIsAvailable() {
        assertThatThrownBy(() -> Template.format("{nope}", Map.of("backend", "b")))
                .isInstanceOf(TemplateException.class).hasMessageContaining("{nope}").hasMessageContaining("{backend}");
    }

    @Test
    void unbalancedBracesAreErrors() {
        assertThatThrownBy(() -> Template.format("if { ssl_fc }", Map.of())).isInstanceOf(TemplateException.class);
        assertThatThrownBy(() -> Template.format("{backend", Map.of("backend", "b"))).isInstanceOf(TemplateException.class);
        assertThatThrownBy(() -> Template.format("a } b", Map.of())).isInstanceOf(TemplateException.class);
    }

    @Test
    void verbatimSubstitutionLeavesHaproxyBracesAlone() {
        assertThat(Template.substitute("bind {bindAddr}:{httpPort}\nhttp-request deny if { ssl_fc }\n",
                Map.of("bindAddr", "127.0.0.1", "httpPort", 8080)))
                .isEqualTo("bind 127.0.0.1:8080\nhttp-request deny if { ssl_fc }\n");
    }

    @Test
    void nullValuesPrintAsPythonWould() {
        assertThat(Template.format("{a}", java.util.Collections.singletonMap("a", null))).isEqualTo("None");
    }

    @Test
    void globalHeadOverrideMustStayInTheForegroundAndExposeListeners() {
        assertThatThrownBy(() -> Templates.of(Map.of("HAPROXY_HEAD", "global\n  daemon\n  stats socket /x expose-fd listeners\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("daemon");
        assertThatThrownBy(() -> Templates.of(Map.of("HAPROXY_HEAD", "global\n  stats socket /x\n")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expose-fd listeners");
        assertThat(Templates.of(Map.of("HAPROXY_BACKEND_HEAD", "\nbackend {backend}\n  balance first\n  mode {mode}\n", "UNRELATED", "x"))
                .global(TemplateName.BACKEND_HEAD)).contains("balance first");
    }
}
