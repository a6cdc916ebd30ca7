package io.strata.cosmos;

import io.strata.cosmos.universe.SourceLayout;
import io.strata.cosmos.universe.UniversePackage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The test repository in the Universe source layout, under src/test/resources/fixtures/universe. */
public final class Fixtures {
    private Fixtures() {}

    public static Path universeDir() {
        try {
            return Path.of(Fixtures.class.getClassLoader().getResource("fixtures/universe").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<UniversePackage> packages() {
        try {
            return SourceLayout.read(universeDir());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static UniversePackage hello(String version) {
        return packages().stream().filter(p -> p.name().equals("hello") && p.version().equals(version)).findFirst().orElseThrow();
    }
}
