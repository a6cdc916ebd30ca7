package io.strata.marathon.health;

import io.strata.marathon.Marathon;
import io.strata.marathon.model.AppDefinition;
import io.strata.marathon.model.HealthCheck;
import io.strata.marathon.model.Instance;
import io.strata.marathon.model.PortMapping;
import io.strata.marathon.model.ReadinessCheck;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the checks Marathon itself performs: HTTP, HTTPS and TCP health checks of running instances (every
 * {@code intervalSeconds}, failing after {@code timeoutSeconds}), and readiness checks of instances that a
 * deployment waits for. Each probe runs on its own virtual thread; results go to {@link Marathon}, which applies grace
 * periods and kills instances after {@code maxConsecutiveFailures}. HTTPS certificates are not verified, as Marathon
 * does not verify them either. MESOS_* and COMMAND checks run on the agent and arrive with task status updates.
 */
public final class HealthMonitor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthMonitor.class);
    private final Marathon marathon;
    private final Map<String, Instant> due = new ConcurrentHashMap<>();
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private final HttpClient http;
    private volatile boolean closed;
    private Thread loop;

    public HealthMonitor(Marathon marathon) {
        this.marathon = marathon;
        this.http = HttpClient.newBuilder().sslContext(trustAll()).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(20)).build();
    }

    public void start() {
        loop = Thread.ofVirtual().name("marathon-health").start(() -> {
            while (!closed) {
                try {
                    round();
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("msg=\"health check round failed\" error=\"{}\"", e.toString());
                }
            }
        });
    }

    /** One pass: starts every probe that is due. */
    void round() {
        Instant now = marathon.clock().instant();
        Set<String> live = new HashSet<>();
        Set<String> deploying = new HashSet<>();
        for (Marathon.DeploymentView d : marathon.deployments()) d.plan().affectedApps().forEach(a -> deploying.add(a.toString()));
        for (Instance i : marathon.instances()) {
            if (!i.isRunning()) continue;
            AppDefinition app = marathon.app(i.appId()).orElse(null);
            if (app == null) continue;
            for (int idx = 0; idx < app.healthChecks().size(); idx++) {
                HealthCheck hc = app.healthChecks().get(idx);
                if (!hc.runByMarathon()) continue;
                String key = i.taskId() + "#" + idx;
                live.add(key);
                if (isDue(key, now)) {
                    due.put(key, now.plusSeconds(Math.max(1, hc.intervalSeconds())));
                    int index = idx;
                    probe(key, () -> {
                        String failure = check(app, i, hc);
                        marathon.onHealthResult(i.instanceId(), index, failure == null, failure);
                    });
                }
            }
            if (!app.readinessChecks().isEmpty() && !Boolean.TRUE.equals(i.ready()) && deploying.contains(app.id().toString())) {
                ReadinessCheck rc = app.readinessChecks().get(0);
                String key = i.taskId() + "#ready";
                live.add(key);
                if (isDue(key, now)) {
                    due.put(key, now.plusSeconds(Math.max(1, rc.intervalSeconds())));
                    probe(key, () -> marathon.onReadiness(i.instanceId(), ready(app, i, rc)));
                }
            }
        }
        due.keySet().retainAll(live);
    }

    private boolean isDue(String key, Instant now) {
        Instant next = due.get(key);
        return (next == null || !now.isBefore(next)) && !inFlight.contains(key);
    }

    private void probe(String key, Runnable r) {
        inFlight.add(key);
        Thread.ofVirtual().name("marathon-probe").start(() -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("msg=\"probe failed\" key={} error=\"{}\"", key, e.toString());
            } finally {
                inFlight.remove(key);
            }
        });
    }

    /** Runs one health check; null when healthy, else the reason. */
    static String check(AppDefinition app, Instance i, HealthCheck hc, HttpClient http) {
        Integer port = port(app, i, hc.port(), hc.portIndex());
        if (port == null) return "no port for the health check";
        String host = address(i);
        Duration timeout = Duration.ofSeconds(Math.max(1, hc.timeoutSeconds()));
        if (hc.protocol().equals("TCP")) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
                return null;
            } catch (IOException e) {
                return "ConnectException: " + e.getMessage();
            }
        }
        String scheme = hc.protocol().equals("HTTPS") ? "https" : "http";
        String path = hc.path() == null ? "/" : hc.path().startsWith("/") ? hc.path() : "/" + hc.path();
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(scheme + "://" + host + ":" + port + path))
                    .timeout(timeout).GET().build(), HttpResponse.BodyHandlers.discarding());
            int code = r.statusCode();
            if (code >= 200 && code < 400) return null;
            if (code < 200 && hc.ignoreHttp1xx()) return null;
            return code + "";
        } catch (IOException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private String check(AppDefinition app, Instance i, HealthCheck hc) {
        return check(app, i, hc, http);
    }

    private boolean ready(AppDefinition app, Instance i, ReadinessCheck rc) {
        int idx = app.portNames().indexOf(rc.portName());
        Integer port = idx < 0 ? null : port(app, i, null, idx);
        if (port == null) return false;
        String scheme = rc.protocol().equals("HTTPS") ? "https" : "http";
        try {
            HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(scheme + "://" + address(i) + ":" + port + rc.path()))
                    .timeout(Duration.ofSeconds(Math.max(1, rc.timeoutSeconds()))).GET().build(), HttpResponse.BodyHandlers.discarding());
            return rc.httpStatusCodesForReady().contains(r.statusCode());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String address(Instance i) {
        return i.host() != null && !i.host().isEmpty() ? i.host() : i.ipAddresses().isEmpty() ? "127.0.0.1" : i.ipAddresses().get(0);
    }

    /** The port a check talks to: fixed, or the task's host port at the index (container port without one). */
    static Integer port(AppDefinition app, Instance i, Integer fixed, Integer index) {
        if (fixed != null) return fixed;
        int idx = index == null ? 0 : index;
        if (app.usesHostNetworking()) return idx < i.hostPorts().size() ? i.hostPorts().get(idx) : null;
        List<PortMapping> mappings = app.portMappings();
        if (idx >= mappings.size()) return null;
        int hostIndex = 0;
        for (int k = 0; k < idx; k++) if (mappings.get(k).hostPort() != null) hostIndex++;
        if (mappings.get(idx).hostPort() != null && hostIndex < i.hostPorts().size()) return i.hostPorts().get(hostIndex);
        return mappings.get(idx).containerPort();
    }

    private static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("no TLS available", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (loop != null) loop.interrupt();
    }
}
