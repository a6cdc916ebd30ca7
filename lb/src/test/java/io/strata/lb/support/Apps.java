package io.strata.lb.support;

import io.strata.lb.marathon.HealthCheck;
import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.marathon.MarathonTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for Marathon apps and tasks in unit tests. */
public final class Apps {
    private Apps() {}

    public static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    /** A running task on 127.0.0.1 with these host ports. */
    public static MarathonTask task(String id, Integer... ports) {
        return new MarathonTask(id, "127.0.0.1", List.of(), List.of(ports), "TASK_RUNNING", null, false);
    }

    public static MarathonTask task(String id, String host, String state, List<Boolean> alive, Integer... ports) {
        return new MarathonTask(id, host, List.of(), List.of(ports), state, alive, false);
    }

    public static MarathonApp app(String id, Map<String, String> labels, List<Integer> servicePorts, MarathonTask... tasks) {
        return MarathonApp.simple(id, labels, servicePorts, List.of(), List.of(tasks));
    }

    public static MarathonApp app(String id, Map<String, String> labels, List<Integer> servicePorts, List<HealthCheck> checks,
                                  MarathonTask... tasks) {
        return MarathonApp.simple(id, labels, servicePorts, checks, List.of(tasks));
    }

    public static HealthCheck http(String path) {
        return new HealthCheck("HTTP", 0, null, path, 2, 3, 10, 2);
    }

    public static HealthCheck tcp() {
        return new HealthCheck("TCP", 0, null, null, 2, 3, 10, 2);
    }

    /** {@code n} apps with a vhost each, two tasks each, service ports from 10000. */
    public static List<MarathonApp> many(int n) {
        List<MarathonApp> apps = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            apps.add(app("/team" + (i % 10) + "/app" + i, labels("HAPROXY_GROUP", "external", "HAPROXY_0_VHOST", "app" + i + ".example.com"),
                    List.of(10_000 + i), task("t" + i + "a", 31_000 + (i % 1000)), task("t" + i + "b", 32_000 + (i % 1000))));
        }
        return apps;
    }
}
