package io.strata.common.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

class HttpServersTest {

    @Test
    void oneConnectorOnTheGivenAddressWithALongAcceptQueueServesHealthAndMetrics() throws Exception {
        Javalin app = HttpServers.start(HttpServers.create("test", "127.0.0.1", 0,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), null));
        try {
            var connectors = app.jettyServer().server().getConnectors();
            assertThat(connectors).as("ours only, not Javalin's default as well").hasSize(1);
            ServerConnector c = (ServerConnector) connectors[0];
            assertThat(c.getHost()).isEqualTo("127.0.0.1");
            assertThat(c.getAcceptQueueSize()).isEqualTo(HttpServers.ACCEPT_QUEUE);
            assertThat(c.getIdleTimeout()).isEqualTo(300_000L);
            assertThat(app.port()).isPositive().isEqualTo(c.getLocalPort());

            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(health.statusCode()).isEqualTo(200);
            HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("http_server_requests");
        } finally {
            app.stop();
        }
    }
}
