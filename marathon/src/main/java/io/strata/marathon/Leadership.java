package io.strata.marathon;

import java.util.Optional;

/** Who leads among the Marathons sharing a ZooKeeper path. */
public interface Leadership {
    boolean isLeader();

    /** The leader's {@code host:port}, when one is elected. */
    Optional<String> leader();

    /** Gives up leadership ({@code DELETE /v2/leader}); another Marathon (or this one again) is elected. */
    void abdicate();
}
