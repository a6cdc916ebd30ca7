package io.strata.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a master how many agents it has, through the same {@code /master/state} everyone else reads. */
public final class MasterProbe {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final URI state;

    public MasterProbe(String masterUrl) {
        this.state = URI.create(masterUrl + "/master/state");
    }

    /** Active agents the leading master lists; -1 while it does not answer or does not lead yet. */
    public int activeAgents() {
        try {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(state).timeout(Duration.ofSeconds(2)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) return -1;
            return countActive(Json.read(r.body()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    static int countActive(JsonNode state) {
        int n = 0;
        for (JsonNode s : state.path("slaves")) {
            if (s.path("active").asBoolean(true)) n++;
        }
        return n;
    }

    /** Polls until the master lists {@code agents} active agents or the timeout passes; returns whether it did. */
    public boolean awaitAgents(int agents, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (activeAgents() >= agents) return true;
            Thread.sleep(50);
        }
        return activeAgents() >= agents;
    }
}
