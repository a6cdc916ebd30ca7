package io.strata.node;

import java.net.BindException;

/** A failure the user can fix; printed as one line (no stack trace), exit code 1. */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }

    public static UserError portInUse(String host, int port, String flag) {
        return new UserError("port " + port + " on " + host + " is already in use (another Strata, Mesos or test "
                + "running?); stop it or choose another port with " + flag + " <port>");
    }

    /** Whether the failure, somewhere down its causes, is a port that could not be bound. */
    public static boolean isBindFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof BindException) return true;
            String m = c.getMessage();
            if (m != null && (m.contains("Address already in use") || m.contains("Failed to bind"))) return true;
        }
        return false;
    }

    /** The most useful one-line description of a failure: the outermost message that is not just its
     * cause's {@code toString()}. */
    public static String describe(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            boolean justTheCause = c.getCause() != null && c.getCause().toString().equals(m);
            if (m != null && !m.isBlank() && !justTheCause) return m;
        }
        return t.getClass().getSimpleName();
    }
}
