package io.strata.master.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.strata.master.Gate;
import io.strata.master.Master;
import io.strata.master.operator.OperatorEndpoint;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The v1 APIs answer at both of the paths Mesos serves them at, {@code /api/v1/...} and the process-prefixed
 * {@code /master/api/v1/...} (clients such as mesos-rxjava are often given the latter; its leader probe then goes
 * to {@code /master/redirect}). A standby sends either path to the leader with the path kept, as Mesos does.
 */
class ApiPathsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5)).build();

    private final AtomicReference<String> leader = new AtomicReference<>("10.0.0.7:5050");
    private Javalin app;

    @BeforeEach
    void start() {
        Gate standby = new Gate() {
            @Override
            public Master leading() {
                return null;
            }

            @Override
            public Optional<String> leaderAddress() {
                return Optional.ofNullable(leader.get());
            }
        };
        app = Javalin.create();
        new SchedulerEndpoint(standby).register(app);
        new OperatorEndpoint(standby).register(app);
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        if (app != null) app.stop();
    }

    private HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json");
        b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/scheduler", "/master/api/v1/scheduler"})
    void schedulerApiAtBothPathsRedirectsToTheLeaderKeepingThePath(String path) throws Exception {
        String subscribe = "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\"}}}";
        HttpResponse<String> r = send("POST", path, subscribe);
        assertThat(r.statusCode()).as("POST %s on a standby: %s", path, r.body()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location")).hasValue("//10.0.0.7:5050" + path);

        HttpResponse<String> get = send("GET", path, null);
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.body()).isEqualTo("Expecting one of { 'POST' }, but received 'GET'");

        leader.set(null);
        HttpResponse<String> none = send("POST", path, subscribe);
        assertThat(none.statusCode()).isEqualTo(503);
        assertThat(none.body()).isEqualTo("No leader elected");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1", "/master/api/v1"})
    void operatorApiAtBothPathsRedirectsToTheLeaderKeepingThePath(String path) throws Exception {
        HttpResponse<String> r = send("POST", path, "{\"type\":\"GET_HEALTH\"}");
        assertThat(r.statusCode()).as("POST %s on a standby: %s", path, r.body()).isEqualTo(307);
        assertThat(r.headers().firstValue("Location")).hasValue("//10.0.0.7:5050" + path);

        HttpResponse<String> get = send("GET", path, null);
        assertThat(get.statusCode()).isEqualTo(405);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/schedulers", "/master/api/v2/scheduler", "/mast/api/v1/scheduler"})
    void otherPathsAreNotTheApi(String path) throws Exception {
        assertThat(send("POST", path, "{}").statusCode()).isEqualTo(404);
    }
}
