package io.strata.marathon.model;

import java.util.List;

/** Asked during deployments: a new task counts only once this answers with one of the ready codes. */
public record ReadinessCheck(String name, String protocol, String path, String portName, int intervalSeconds,
                             int timeoutSeconds, List<Integer> httpStatusCodesForReady, boolean preserveLastResponse) {
    public ReadinessCheck {
        httpStatusCodesForReady = List.copyOf(httpStatusCodesForReady);
    }
}
