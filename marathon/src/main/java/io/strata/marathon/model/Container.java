package io.strata.marathon.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * An app's container: {@code MESOS} (optionally with a Docker image) or {@code DOCKER} (the Docker
 * containerizer). Volumes and the less common parts are kept as the JSON the user sent and passed on as they are.
 *
 * @param portMappings null when the app uses host networking (Marathon then drops them)
 */
public record Container(String type, Docker docker, List<PortMapping> portMappings, JsonNode volumes, JsonNode linuxInfo) {
    public record Parameter(String key, String value) {}

    /**
     * @param pullConfig   kept as given
     * @param credential   kept as given (deprecated)
     */
    public record Docker(String image, boolean privileged, List<Parameter> parameters, boolean forcePullImage,
                         JsonNode pullConfig, JsonNode credential) {
        public Docker {
            parameters = parameters == null ? List.of() : List.copyOf(parameters);
        }
    }

    public Container {
        portMappings = portMappings == null ? null : List.copyOf(portMappings);
    }

    public boolean isDocker() {
        return "DOCKER".equals(type);
    }

    public Container withPortMappings(List<PortMapping> mappings) {
        return new Container(type, docker, mappings, volumes, linuxInfo);
    }
}
