package io.strata.lb.services;

/** A label value the load balancer cannot use; the app is skipped and every other app keeps being served. */
public final class LabelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LabelException(String message) {
        super(message);
    }
}
