package io.strata.marathon.model;

/**
 * What to do with tasks on unreachable agents: replace after {@code inactiveAfterSeconds}, forget after
 * {@code expungeAfterSeconds}. Disabled means wait for the agent forever.
 */
public record UnreachableStrategy(boolean enabled, long inactiveAfterSeconds, long expungeAfterSeconds) {
    public static final UnreachableStrategy DEFAULT = new UnreachableStrategy(true, 0, 0);
    public static final UnreachableStrategy DISABLED = new UnreachableStrategy(false, 0, 0);
}
