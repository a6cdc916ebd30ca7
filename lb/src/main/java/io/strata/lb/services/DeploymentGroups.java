package io.strata.lb.services;

import io.strata.lb.marathon.MarathonApp;
import io.strata.lb.marathon.MarathonTask;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Blue/green apps as marathon-lb serves them: apps sharing a {@code HAPROXY_DEPLOYMENT_GROUP} label become one app
 * named after the group, with the older app's labels (so its {@code HAPROXY_0_PORT} stays the public port) and the
 * tasks of both. As new tasks turn healthy, as many old tasks are marked draining (kept in the backend, disabled)
 * as the target instance count allows; {@code zdd} kills drained tasks once HAProxy reports no sessions on them.
 */
public final class DeploymentGroups {
    private DeploymentGroups() {}

    public static List<MarathonApp> merge(List<MarathonApp> apps) {
        List<MarathonApp> out = new ArrayList<>();
        Map<String, MarathonApp> groups = new LinkedHashMap<>();
        for (MarathonApp app : apps) {
            String group = app.label(ServiceLabels.DEPLOYMENT_GROUP);
            if (group == null || group.isBlank()) {
                out.add(app);
                continue;
            }
            String id = group.startsWith("/") ? group : "/" + group;
            MarathonApp renamed = app.withId(id);
            MarathonApp prev = groups.get(id);
            groups.put(id, prev == null ? renamed : mergePair(prev, renamed));
        }
        out.addAll(groups.values());
        return out;
    }

    private static MarathonApp mergePair(MarathonApp prev, MarathonApp cur) {
        Instant prevStart = time(prev.label(ServiceLabels.DEPLOYMENT_STARTED_AT));
        Instant curStart = time(cur.label(ServiceLabels.DEPLOYMENT_STARTED_AT));
        MarathonApp old;
        MarathonApp neu;
        if (prevStart.isBefore(curStart)) {
            old = prev;
            neu = cur;
        } else {
            old = cur;
            neu = prev;
        }
        int target = 1;
        if (neu.label(ServiceLabels.DEPLOYMENT_NEW_INSTANCES) != null) {
            // a traffic split: the app scaled last is the one being grown
            if (time(old.lastScalingAt()).isAfter(time(neu.lastScalingAt()))) {
                MarathonApp t = old;
                old = neu;
                neu = t;
            }
            target = intLabel(neu, ServiceLabels.DEPLOYMENT_TARGET_INSTANCES, 1);
        }
        List<MarathonTask> oldTasks = new ArrayList<>(old.tasks());
        oldTasks.sort(Comparator.comparing(MarathonTask::id));
        int healthyNew;
        if (!cur.healthChecks().isEmpty()) {
            healthyNew = (int) neu.tasks().stream().filter(MarathonTask::anyAlive).count();
        } else {
            healthyNew = neu.instances();
        }
        int drainable = Math.max(0, healthyNew + old.instances() - target);
        int drain = Math.min(oldTasks.size(), Math.min(healthyNew, drainable));
        List<MarathonTask> merged = new ArrayList<>();
        for (int i = 0; i < oldTasks.size(); i++) merged.add(i < drain ? oldTasks.get(i).withDraining(true) : oldTasks.get(i));
        merged.addAll(neu.tasks());
        return old.withTasks(merged);
    }

    private static int intLabel(MarathonApp app, String key, int fallback) {
        try {
            return Integer.parseInt(app.label(key).trim());
        } catch (RuntimeException e) {
            return fallback;
        }
    }

    /** ISO-8601 with or without an offset (zdd writes local time without one); unparseable or absent is the epoch. */
    static Instant time(String s) {
        if (s == null || s.isBlank()) return Instant.MIN;
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                return Instant.MIN;
            }
        }
    }
}
