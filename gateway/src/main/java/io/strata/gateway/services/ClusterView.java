package io.strata.gateway.services;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.gateway.proxy.ProxyFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * What the gateway knows about the cluster, fetched on demand and cached briefly: the leading master (from
 * ZooKeeper or a fixed address), the master's frameworks and agents, and Marathon's apps that are services.
 */
public final class ClusterView implements AutoCloseable {
    /** Fetches of cluster state must be quick: a request is waiting on them. */
    static final Duration FETCH_TIMEOUT = Duration.ofSeconds(3);
    static final Duration LEADER_TTL = Duration.ofSeconds(1);
    static final Duration STALE_LIMIT = Duration.ofSeconds(60);

    private final HttpClient http;
    private final LazyMasterDetector detector;
    private final String marathonUrl;
    private final String mesosDnsUrl;
    private final Cached<Optional<String>> leader;
    private final Cached<MesosDirectory> mesos;
    private final Cached<ServiceApps> apps;

    /** @param master {@code zk://...} or {@code host:port}; a malformed one throws IllegalArgumentException */
    public ClusterView(HttpClient http, String master, String marathonUrl, String mesosDnsUrl) {
        this.http = http;
        this.detector = new LazyMasterDetector(master);
        this.marathonUrl = marathonUrl;
        this.mesosDnsUrl = mesosDnsUrl;
        this.leader = new Cached<>(detector::leader, Duration.ZERO, System::nanoTime);
        this.mesos = new Cached<>(this::fetchMesos, STALE_LIMIT, System::nanoTime);
        this.apps = new Cached<>(this::fetchApps, STALE_LIMIT, System::nanoTime);
    }

    /** The leading master's {@code http://host:port}. */
    public String leaderUrl() throws ProxyFailure {
        Optional<String> l;
        try {
            l = leader.get(LEADER_TTL);
            if (l.isEmpty()) l = leader.get(Duration.ZERO); // no leader a moment ago: ask again, one may be elected now
        } catch (Exception e) {
            l = Optional.empty();
        }
        return "http://" + l.orElseThrow(() -> new ProxyFailure(503, noLeader()));
    }

    private String noLeader() {
        if (!detector.viaZooKeeper()) return "No leading Mesos master is known";
        String problem = detector.problem();
        return problem != null ? "No leading Mesos master can be found: " + problem
                : "No leading Mesos master is known yet (looked up in ZooKeeper); is a master running?";
    }

    public MesosDirectory mesos(Duration maxAge) throws ProxyFailure {
        try {
            return mesos.get(maxAge);
        } catch (ProxyFailure e) {
            throw e;
        } catch (Exception e) {
            throw new ProxyFailure(503, "The Mesos master's state could not be read: " + e.getMessage());
        }
    }

    public ServiceApps apps(Duration maxAge) throws ProxyFailure {
        try {
            return apps.get(maxAge);
        } catch (Exception e) {
            throw new ProxyFailure(503, "Marathon's apps could not be read from " + marathonUrl + ": " + e.getMessage());
        }
    }

    public Duration mesosAge() {
        return mesos.age();
    }

    public Duration appsAge() {
        return apps.age();
    }

    private MesosDirectory fetchMesos() throws Exception {
        return MesosDirectory.of(getJson(leaderUrl() + "/master/state-summary"));
    }

    private ServiceApps fetchApps() throws Exception {
        return ServiceApps.of(getJson(marathonUrl + "/v2/apps?embed=apps.tasks&label=DCOS_SERVICE_NAME"));
    }

    /** A framework's address from Mesos-DNS SRV records, as Admin Router asks for frameworks without a web UI URL. */
    public Optional<String> srv(String frameworkName) {
        String name = "_" + frameworkName + "._tcp.marathon.mesos";
        try {
            JsonNode records = getJson(mesosDnsUrl + "/v1/services/" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            if (!records.isArray() || records.isEmpty()) return Optional.empty();
            JsonNode first = records.get(0);
            String ip = first.path("ip").asText("");
            if (ip.isEmpty()) return Optional.empty();
            return Optional.of("http://" + ip + ":" + first.path("port").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode getJson(String url) throws IOException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(FETCH_TIMEOUT).header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> res;
        try {
            res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.net.ConnectException e) {
            throw new IOException(url + " is not reachable (connection refused)", e);
        }
        if (res.statusCode() != 200) throw new IOException(url + " answered HTTP " + res.statusCode());
        try {
            return Json.read(res.body());
        } catch (IllegalArgumentException e) {
            throw new IOException(url + " did not answer JSON", e);
        }
    }

    @Override
    public void close() {
        detector.close();
    }
}
