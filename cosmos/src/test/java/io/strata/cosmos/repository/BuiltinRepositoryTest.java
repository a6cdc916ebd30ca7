package io.strata.cosmos.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cosmos.render.AppRenderer;
import io.strata.cosmos.universe.UniversePackage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The packages shipped in the jar load, and each renders with its defaults into an app Marathon would take. */
class BuiltinRepositoryTest {
    @Test
    void everyBuiltInPackageRendersWithItsDefaults() throws Exception {
        List<UniversePackage> pkgs = new BuiltinRepository().packages();
        assumeFalse(pkgs.isEmpty(), "no built-in packages on the class path yet");
        for (UniversePackage p : pkgs) {
            var app = AppRenderer.render(p, PackageRepository.BUILTIN_URI, null, null);
            if (p.marathonTemplate().isEmpty()) continue;
            ObjectNode a = app.orElseThrow();
            assertThat(a.path("id").asText()).as(p.name()).isNotEmpty();
            assertThat(a.path("labels").path("DCOS_PACKAGE_NAME").asText()).isEqualTo(p.name());
        }
    }

    @Test
    void aMissingClasspathDirectoryIsAnEmptyRepository() throws Exception {
        assertThat(new BuiltinRepository("no/such/dir").packages()).isEmpty();
        assertThat(new BuiltinRepository("fixtures/universe/packages").packages()).hasSize(3);
    }
}
