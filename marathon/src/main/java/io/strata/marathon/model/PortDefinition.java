package io.strata.marathon.model;

import java.util.Map;

/** A host port an app asks for (host networking). {@code port} 0 means "assign a service port". */
public record PortDefinition(int port, String protocol, String name, Map<String, String> labels) {
    public PortDefinition {
        protocol = protocol == null ? "tcp" : protocol;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }

    public PortDefinition withPort(int p) {
        return new PortDefinition(p, protocol, name, labels);
    }
}
