package io.strata.master;

/** A running master: HTTP APIs, leader election, the master's event loop. Stopping it is graceful. */
public final class MasterServer implements AutoCloseable {
    private MasterServer() {}

    public static MasterServer start(MasterConfig config) throws Exception {
        throw new UnsupportedOperationException("being written");
    }

    /** The HTTP port actually bound. */
    public int port() {
        return 0;
    }

    @Override
    public void close() {}
}
