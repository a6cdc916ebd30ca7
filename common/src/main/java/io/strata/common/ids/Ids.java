package io.strata.common.ids;

import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/** Identifier generation in Mesos' formats, and validation of ids that reach a file system. */
public final class Ids {
    /** What may appear in an id that becomes a directory name: no separators, no "..", no control chars. */
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.\\-]{1,255}");

    private Ids() {}

    /** A master's run id: a fresh UUID each time a master starts; agent and framework ids derive from it. */
    public static String masterRunId() {
        return UUID.randomUUID().toString();
    }

    /** Mesos agent ids look like {@code <master-run-uuid>-S<n>}. */
    public static String agentId(String masterRunId, long n) {
        return masterRunId + "-S" + n;
    }

    /** Mesos framework ids look like {@code <master-run-uuid>-<4-digit n>}. */
    public static String frameworkId(String masterRunId, long n) {
        return String.format("%s-%04d", masterRunId, n);
    }

    public static String offerId(String masterRunId, AtomicLong counter) {
        return masterRunId + "-O" + counter.getAndIncrement();
    }

    /** True when the id can be used as one path segment without escaping its parent directory. */
    public static boolean isSafePathSegment(String id) {
        return id != null && SAFE.matcher(id).matches() && !id.equals(".") && !id.equals("..");
    }

    public static String requireSafePathSegment(String what, String id) {
        if (!isSafePathSegment(id)) {
            throw new IllegalArgumentException(what + " '" + id + "' may contain only letters, digits, '_', '.', '-'");
        }
        return id;
    }
}
