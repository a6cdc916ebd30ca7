package io.strata.gateway.proxy;

/** A request the gateway cannot forward: the status to answer and a message that says why and what to do. */
public final class ProxyFailure extends Exception {
    private final int status;

    public ProxyFailure(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
