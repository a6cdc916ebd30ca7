package io.strata.agent.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthCheckPolicyTest {
    private static final Duration IN_GRACE = Duration.ofSeconds(5);
    private static final Duration PAST_GRACE = Duration.ofSeconds(30);

    @Test
    void failuresInTheGracePeriodAreIgnoredUntilTheFirstSuccess() {
        HealthCheckPolicy p = new HealthCheckPolicy(3, Duration.ofSeconds(10));
        assertThat(p.onFailure(IN_GRACE)).isEmpty();
        assertThat(p.onSuccess()).contains(new HealthCheckPolicy.Report(true, 0, false));
        assertThat(p.onFailure(IN_GRACE)).as("counted once the task was healthy").contains(new HealthCheckPolicy.Report(false, 1, false));
    }

    @Test
    void everyCountedFailureIsReportedAndTheLastOneKills() {
        HealthCheckPolicy p = new HealthCheckPolicy(3, Duration.ofSeconds(10));
        assertThat(p.onFailure(PAST_GRACE)).contains(new HealthCheckPolicy.Report(false, 1, false));
        assertThat(p.onFailure(PAST_GRACE)).contains(new HealthCheckPolicy.Report(false, 2, false));
        assertThat(p.onFailure(PAST_GRACE)).contains(new HealthCheckPolicy.Report(false, 3, true));
    }

    @Test
    void successIsReportedOnlyWhenItChangesSomething() {
        HealthCheckPolicy p = new HealthCheckPolicy(3, Duration.ZERO);
        assertThat(p.onSuccess()).isPresent();
        assertThat(p.onSuccess()).isEmpty();
        assertThat(p.onFailure(IN_GRACE)).isPresent();
        assertThat(p.onSuccess()).contains(new HealthCheckPolicy.Report(true, 0, false));
        assertThat(p.consecutiveFailures()).isZero();
    }

    @Test
    void checksResumedAfterAnAgentRestartOnlyReportChanges() {
        HealthCheckPolicy wasHealthy = new HealthCheckPolicy(3, Duration.ofSeconds(10), true);
        assertThat(wasHealthy.onSuccess()).isEmpty();
        assertThat(wasHealthy.onFailure(IN_GRACE)).as("no grace period any more").contains(new HealthCheckPolicy.Report(false, 1, false));
        HealthCheckPolicy wasUnhealthy = new HealthCheckPolicy(3, Duration.ofSeconds(10), false);
        assertThat(wasUnhealthy.onSuccess()).contains(new HealthCheckPolicy.Report(true, 0, false));
    }
}
