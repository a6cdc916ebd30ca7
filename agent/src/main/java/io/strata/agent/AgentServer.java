package io.strata.agent;

/** A running agent: its HTTP endpoints, its stream to the master, its tasks. Stopping it is graceful. */
public final class AgentServer implements AutoCloseable {
    private AgentServer() {}

    public static AgentServer start(AgentConfig config) throws Exception {
        throw new UnsupportedOperationException("being written");
    }

    /** The HTTP port actually bound. */
    public int port() {
        return 0;
    }

    /** The agent id the master gave it, or null before the first registration. */
    public String agentId() {
        return null;
    }

    @Override
    public void close() {}
}
