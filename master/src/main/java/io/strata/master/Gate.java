package io.strata.master;

import io.javalin.http.Context;
import java.util.Optional;

/**
 * What every leader-only endpoint asks first: is this master leading (then here is its state), and if not,
 * where is the leader. Answers as Mesos does: 307 to the leader, or 503 when none is elected.
 */
public interface Gate {
    /** The leading master's state, or null when this master is not leading. */
    Master leading();

    /** The leader's {@code host:port}, if one is known. */
    Optional<String> leaderAddress();

    /**
     * Returns the leading master's state; otherwise answers the request (307 to the leader, or 503) and
     * returns null.
     */
    default Master leadingOrRedirect(Context ctx) {
        Master m = leading();
        if (m != null) return m;
        Optional<String> leader = leaderAddress();
        if (leader.isPresent()) {
            String query = ctx.queryString() == null ? "" : "?" + ctx.queryString();
            ctx.status(307).header("Location", "//" + leader.get() + ctx.path() + query).result("");
        } else {
            ctx.status(503).contentType("text/plain").result("No leader elected");
        }
        return null;
    }
}
