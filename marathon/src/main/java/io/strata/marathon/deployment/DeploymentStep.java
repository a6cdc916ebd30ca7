package io.strata.marathon.deployment;

import java.util.List;

/** Actions that run together; the next step starts when every action of this one is done. */
public record DeploymentStep(List<DeploymentAction> actions) {
    public DeploymentStep {
        actions = List.copyOf(actions);
    }
}
