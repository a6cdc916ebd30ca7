package io.strata.lb.render;

/** A template that cannot be filled in: an unknown placeholder or an unbalanced brace. */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
