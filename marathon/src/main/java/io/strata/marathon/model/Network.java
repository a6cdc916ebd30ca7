package io.strata.marathon.model;

import java.util.Map;

/** One of an app's networks: mode host, container (named) or container/bridge. */
public record Network(String mode, String name, Map<String, String> labels) {
    public static final Network HOST = new Network("host", null, Map.of());

    public Network {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public boolean isHost() {
        return "host".equals(mode);
    }

    public boolean isBridge() {
        return "container/bridge".equals(mode);
    }
}
