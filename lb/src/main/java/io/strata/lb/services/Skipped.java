package io.strata.lb.services;

/** An app (or one service port of it) left out of the configuration, and why; logged as a warning. */
public record Skipped(String appId, String reason) {}
