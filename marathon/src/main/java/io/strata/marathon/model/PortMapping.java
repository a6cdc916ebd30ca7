package io.strata.marathon.model;

import java.util.List;
import java.util.Map;

/** A container port mapped to a host port (bridge / container networking). Null numbers were not given. */
public record PortMapping(Integer containerPort, Integer hostPort, Integer servicePort, String protocol, String name,
                          Map<String, String> labels, List<String> networkNames) {
    public PortMapping {
        protocol = protocol == null ? "tcp" : protocol;
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        networkNames = networkNames == null ? List.of() : List.copyOf(networkNames);
    }

    public PortMapping withServicePort(int p) {
        return new PortMapping(containerPort, hostPort, p, protocol, name, labels, networkNames);
    }

    public PortMapping withHostPort(Integer p) {
        return new PortMapping(containerPort, p, servicePort, protocol, name, labels, networkNames);
    }
}
