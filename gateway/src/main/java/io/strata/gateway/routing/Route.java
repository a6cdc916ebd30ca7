package io.strata.gateway.routing;

/** Where a request goes; {@link Router} decides, from the path alone. */
public sealed interface Route {

    /** The fixed upstreams the gateway knows by configuration or discovery. */
    enum Upstream {
        /** the leading Mesos master */
        MESOS("Mesos master"),
        /** the root Marathon */
        MARATHON("Marathon"),
        MESOS_DNS("Mesos-DNS"),
        COSMOS("Cosmos");

        private final String displayName;

        Upstream(String displayName) {
            this.displayName = displayName;
        }

        public String displayName() {
            return displayName;
        }
    }

    /** Forward to a fixed upstream, with {@code path} (encoded, from '/') as the upstream path. */
    record Fixed(Upstream upstream, String path, String name) implements Route {}

    /** {@code /service/<servicePath>}: resolved from Marathon labels and Mesos frameworks. */
    record Service(String servicePath) implements Route {}

    /** {@code /agent/<id><path>} (or {@code /slave/...}): forwarded to the agent with that id. */
    record Agent(String agentId, String path) implements Route {}

    /** Answered by the gateway itself. */
    record Local(Kind kind) implements Route {
        public enum Kind { DCOS_VERSION, HEALTH, HEALTH_UNITS, INDEX }
    }

    /** A static file of the web UI. */
    record Ui(String path) implements Route {}

    /** Add the trailing slash, as Admin Router does ({@code /mesos} → {@code /mesos/}). */
    record Redirect(String location, int status) implements Route {}

    record NotFound(String message) implements Route {}
}
