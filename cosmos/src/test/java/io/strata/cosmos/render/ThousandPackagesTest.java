package io.strata.cosmos.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cosmos.Fixtures;
import io.strata.cosmos.universe.RepositoryFormat;
import io.strata.cosmos.universe.UniversePackage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The figure in docs/COSMOS.md: parsing a 1000-package repository JSON and rendering every package with options
 * (defaults, validation, mustache, labels). Prints the times; asserts only that all of it happened.
 */
class ThousandPackagesTest {
    @Test
    void loadAndRenderAThousandPackages() throws Exception {
        UniversePackage hello = Fixtures.hello("1.0.0");
        List<UniversePackage> pkgs = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            ObjectNode d = hello.definition();
            d.put("name", "pkg-" + i);
            pkgs.add(UniversePackage.of(d));
        }
        byte[] json = RepositoryFormat.toJsonBytes(pkgs);
        ObjectNode options = (ObjectNode) io.strata.common.json.Json.read("{\"service\": {\"mem\": 64}}");
        long[] best = {Long.MAX_VALUE, Long.MAX_VALUE};
        int rendered = 0;
        for (int round = 0; round < 3; round++) {
            long t0 = System.nanoTime();
            List<UniversePackage> loaded = RepositoryFormat.parse(json);
            long t1 = System.nanoTime();
            rendered = 0;
            for (UniversePackage p : loaded) {
                if (AppRenderer.render(p, "https://example.org/repo", options, null).isPresent()) rendered++;
            }
            long t2 = System.nanoTime();
            best[0] = Math.min(best[0], t1 - t0);
            best[1] = Math.min(best[1], t2 - t1);
        }
        assertThat(rendered).isEqualTo(1000);
        System.out.printf("cosmos: 1000 packages, %d KiB of repository JSON: parse %.0f ms, render all %.0f ms (%.2f ms each), best of 3%n",
                json.length / 1024, best[0] / 1e6, best[1] / 1e6, best[1] / 1e6 / 1000);
    }
}
