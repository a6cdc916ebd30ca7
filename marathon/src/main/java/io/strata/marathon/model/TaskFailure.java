package io.strata.marathon.model;

import java.time.Instant;

/** The last task of an app that failed, as {@code lastTaskFailure} shows it. */
public record TaskFailure(PathId appId, String host, String message, String state, String taskId, Instant timestamp,
                          Instant version, String slaveId) {}
