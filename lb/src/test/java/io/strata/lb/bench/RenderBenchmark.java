package io.strata.lb.bench;

import io.strata.lb.haproxy.ConfigChecker;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.render.ConfigRenderer;
import io.strata.lb.render.RenderSettings;
import io.strata.lb.render.RenderedConfig;
import io.strata.lb.render.Templates;
import io.strata.lb.services.ServiceBuilder;
import io.strata.lb.support.Apps;
import io.strata.lb.sync.ConfigFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Configuration generation for many apps: building services from Marathon's apps, rendering haproxy.cfg (both pure),
 * and {@code haproxy -c} on the result. Usage: {@code lb/bench.sh RenderBenchmark [apps] [iterations]}.
 */
public final class RenderBenchmark {
    public static void main(String[] args) throws Exception {
        int apps = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 50;
        Bench.header("config generation, " + apps + " apps (one vhost, two tasks each)", "lb/bench.sh RenderBenchmark " + apps + " " + iterations);
        List<MarathonApp> input = Apps.many(apps);
        Path dir = Files.createTempDirectory("lb-render-bench");
        RenderSettings settings = RenderSettings.defaults(dir.toString()).withPorts(18080, 18443, 19090, 19091, 0);
        Templates templates = Templates.defaults();
        for (int i = 0; i < 30; i++) render(input, settings, templates); // warm-up
        List<Double> build = new ArrayList<>();
        List<Double> render = new ArrayList<>();
        RenderedConfig last = null;
        for (int i = 0; i < iterations; i++) {
            long t0 = System.nanoTime();
            ServiceBuilder.Result built = ServiceBuilder.build(input, ServiceBuilder.Options.defaults(), Function.identity(),
                    ServiceBuilder.HealthMemory.NONE);
            long t1 = System.nanoTime();
            last = ConfigRenderer.render(built.services(), settings, templates, built.skipped());
            long t2 = System.nanoTime();
            build.add((t1 - t0) / 1e6);
            render.add((t2 - t1) / 1e6);
        }
        System.out.println("services from apps:  " + Bench.percentiles(build));
        System.out.println("render haproxy.cfg:  " + Bench.percentiles(render));
        System.out.printf("haproxy.cfg: %d apps, %d servers, %d lines, %d KiB%n", last.apps().size(), last.servers(),
                last.lineOwners().size(), last.text().length() / 1024);
        ConfigFiles files = new ConfigFiles(dir.resolve("haproxy.cfg"), 0);
        ConfigChecker checker = new ConfigChecker("haproxy");
        List<Double> check = new ArrayList<>();
        for (int i = 0; i < Math.min(10, iterations); i++) {
            long t0 = System.nanoTime();
            ConfigChecker.Result r = checker.check(files.stage(last));
            check.add((System.nanoTime() - t0) / 1e6);
            if (!r.valid()) throw new IllegalStateException(r.output());
        }
        System.out.println("haproxy -c:          " + Bench.percentiles(check));
    }

    private static RenderedConfig render(List<MarathonApp> input, RenderSettings settings, Templates templates) {
        ServiceBuilder.Result built = ServiceBuilder.build(input, ServiceBuilder.Options.defaults(), Function.identity(),
                ServiceBuilder.HealthMemory.NONE);
        return ConfigRenderer.render(built.services(), settings, templates, built.skipped());
    }
}
