package io.strata.bench.allocator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.strata.common.resources.Resources;
import io.strata.master.allocator.AgentView;
import io.strata.master.allocator.AllocationInput;
import io.strata.master.allocator.DrfAllocator;
import io.strata.master.allocator.FrameworkView;
import io.strata.master.allocator.OfferFilters;
import io.strata.master.allocator.OfferPlan;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full allocation pass over 10,000 idle agents for 100 frameworks in 10 roles: every agent is
 * offered, so this is the most work a pass can do.
 *
 * <ul>
 *   <li>{@code plain}: every agent {@code cpus:16;mem:65536;disk:100000;ports:[31000-32000]}, no filters.
 *   <li>{@code mixed}: additionally 10% of agents carry a {@code slave_public} reservation (served
 *       by an 11th role), and every framework has declined 5% of the agents (≈50,000 filters).
 * </ul>
 *
 * <p>Run: {@code java -cp 'bench/target/strata-bench.jar:bench/target/lib/*' org.openjdk.jmh.Main AllocatorBenchmark -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AllocatorBenchmark {
  private static final String AGENT = "cpus:16;mem:65536;disk:100000;ports:[31000-32000]";
  private static final String PUBLIC_AGENT = AGENT + ";cpus(slave_public):4;mem(slave_public):8192;ports(slave_public):[80-80,443-443]";

  @Param({"10000"})
  public int agents;

  @Param({"100"})
  public int frameworks;

  @Param({"plain", "mixed"})
  public String scenario;

  private final DrfAllocator allocator = new DrfAllocator(new SplittableRandom(7));
  private AllocationInput input;

  @Setup
  public void setUp() {
    boolean mixed = scenario.equals("mixed");
    Instant now = Instant.parse("2024-01-01T00:00:00Z");
    SplittableRandom random = new SplittableRandom(1);
    Resources plain = Resources.parse(AGENT);
    Resources reserved = Resources.parse(PUBLIC_AGENT);

    List<AgentView> agentViews = new ArrayList<>(agents);
    for (int i = 0; i < agents; i++) {
      Resources total = mixed && i % 10 == 0 ? reserved : plain;
      agentViews.add(new AgentView("agent-" + i, "10.0." + (i / 250) + "." + (i % 250), total, total));
    }

    OfferFilters filters = new OfferFilters();
    List<FrameworkView> frameworkViews = new ArrayList<>(frameworks);
    for (int f = 0; f < frameworks; f++) {
      String id = "framework-" + f;
      String role = "role-" + (f % 10);
      // Uneven running workloads so that shares differ and the sorters have real work.
      Resources allocated = Resources.parse("cpus:" + random.nextInt(1, 2000) + ";mem:" + random.nextInt(1, 8_000_000))
          .allocatedTo(role);
      List<String> roles = mixed && f % 10 == 0 ? List.of(role, "slave_public") : List.of(role);
      frameworkViews.add(new FrameworkView(id, roles, Set.of(), allocated, true));
      if (mixed) {
        for (int i = 0; i < agents; i += 20) {
          int agent = (i + f) % agents;
          filters.refuse(id, "agent-" + agent, agentViews.get(agent).available().allocatableTo(role).allocatedTo(role),
              now.plusSeconds(5));
        }
      }
    }
    Map<String, Double> weights = new HashMap<>();
    weights.put("role-0", 2.0);
    weights.put("role-1", 0.5);
    input = new AllocationInput(agentViews, frameworkViews, weights, filters, now);
  }

  @Benchmark
  public List<OfferPlan> allocate() {
    return allocator.allocate(input);
  }
}
