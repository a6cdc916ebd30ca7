package io.strata.lb.haproxy;

import java.io.IOException;
import java.util.List;

/** What the updater needs from HAProxy once a checked haproxy.cfg is in place. */
public interface Haproxy extends AutoCloseable {
    /** Makes HAProxy serve the configuration file as it is now, without dropping connections. */
    void reload() throws IOException;

    /** The PIDs of HAProxy processes: the master, its current workers and old workers still draining connections. */
    List<Long> pids();

    /** A runtime API command on the current worker ("show stat", "show servers state"...). */
    String runtime(String command) throws IOException;

    @Override
    void close();
}
