package io.strata.marathon.model;

/** An environment variable's value: a string, or a reference to one of the app's secrets. */
public record EnvValue(String value, String secret) {
    public static EnvValue of(String value) {
        return new EnvValue(value, null);
    }
}
