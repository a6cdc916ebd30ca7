package io.strata.marathon.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.strata.marathon.model.UpgradeStrategy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RollingRestartTest {
    /**
     * Simulates a restart: each tick applies the decision; launched instances become healthy on the next tick and
     * killed ones end on the next tick. Checks the bounds at every tick.
     */
    @ParameterizedTest(name = "instances={0} minHealth={1} maxOver={2}")
    @CsvSource({
            "1,1.0,1.0", "3,1.0,1.0", "5,1.0,0.0", "4,0.5,0.0", "4,0.5,0.5", "10,0.8,0.2", "3,0.0,0.0", "3,0.0,1.0",
            "7,0.33,0.1", "2,1.0,0.0", "1,0.0,0.0", "0,1.0,1.0", "6,0.9,0.05"})
    void staysWithinTheUpgradeStrategyAndFinishes(int n, double minHealth, double maxOver) {
        UpgradeStrategy s = new UpgradeStrategy(minHealth, maxOver);
        int minHealthy = RollingRestart.minHealthy(n, s);
        int maxCapacity = RollingRestart.maxCapacity(n, s);
        assertThat(maxCapacity).isLessThanOrEqualTo(Math.max((int) Math.floor(n * (1 + maxOver) + 1e-9), minHealthy + 1));
        int oldHealthy = n, dying = 0, newStarting = 0, newHealthy = 0;
        int ticks = 0;
        while (true) {
            RollingRestart.Counts c = new RollingRestart.Counts(n, oldHealthy, oldHealthy, dying, newStarting + newHealthy, newHealthy);
            if (RollingRestart.done(c)) break;
            assertThat(++ticks).as("finishes").isLessThan(100);
            RollingRestart.Decision d = RollingRestart.next(c, s);
            int newDying = d.killOld();
            // the previous tick's dying instances ended and starting ones turned healthy
            newHealthy += newStarting;
            newStarting = d.launchNew();
            oldHealthy -= d.killOld();
            dying = newDying;
            int alive = oldHealthy + dying + newStarting + newHealthy;
            assertThat(alive).as("capacity at tick %d", ticks).isLessThanOrEqualTo(maxCapacity);
            assertThat(oldHealthy + newHealthy).as("healthy at tick %d", ticks).isGreaterThanOrEqualTo(Math.min(minHealthy, n));
        }
        assertThat(newHealthy).isEqualTo(n);
    }

    @Test
    void withTheDefaultsKillsAnOldInstanceOnlyForEachHealthyNewOne() {
        UpgradeStrategy s = UpgradeStrategy.DEFAULT;
        RollingRestart.Decision start = RollingRestart.next(new RollingRestart.Counts(3, 3, 3, 0, 0, 0), s);
        assertThat(start).isEqualTo(new RollingRestart.Decision(0, 0, 3));
        RollingRestart.Decision noneHealthy = RollingRestart.next(new RollingRestart.Counts(3, 3, 3, 0, 3, 0), s);
        assertThat(noneHealthy.killOld()).isZero();
        RollingRestart.Decision oneHealthy = RollingRestart.next(new RollingRestart.Counts(3, 3, 3, 0, 3, 1), s);
        assertThat(oneHealthy.killOld()).isEqualTo(1);
    }

    @Test
    void unhealthyOldInstancesGoFirstAndFreely() {
        RollingRestart.Decision d = RollingRestart.next(new RollingRestart.Counts(3, 3, 1, 0, 0, 0), UpgradeStrategy.DEFAULT);
        assertThat(d.killOldUnhealthy()).isEqualTo(2);
        assertThat(d.killOldHealthy()).isZero();
        assertThat(d.launchNew()).isEqualTo(3);
    }

    @Test
    void noHeadroomStillMakesProgressWithOneExtraInstance() {
        UpgradeStrategy s = new UpgradeStrategy(1.0, 0.0);
        RollingRestart.Decision d = RollingRestart.next(new RollingRestart.Counts(2, 2, 2, 0, 0, 0), s);
        assertThat(d).isEqualTo(new RollingRestart.Decision(0, 0, 1));
        List<Integer> caps = new ArrayList<>();
        caps.add(RollingRestart.maxCapacity(2, s));
        assertThat(caps).containsExactly(3);
    }
}
