package io.strata.cosmos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import io.strata.cosmos.api.MediaTypes;
import io.strata.cosmos.repository.BuiltinRepository;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Cosmos alone (repositories in memory, no Marathon answering): the edges of the API. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CosmosServerTest {
    private CosmosServer cosmos;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        cosmos = CosmosServer.start(CosmosConfig.defaults().withPort(0).withZk("none").withAllowFileRepositories(true)
                .withMarathonUrl("http://127.0.0.1:" + closed), new BuiltinRepository("fixtures/universe/packages"));
    }

    @AfterAll
    void stop() {
        if (cosmos != null) cosmos.close();
    }

    HttpResponse<String> post(String rpc, String responseKind, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cosmos.port() + "/package/" + rpc))
                .header("Content-Type", MediaTypes.pkg(rpc.replace('/', '.') + "-request", 1).toString())
                .header("Accept", MediaTypes.pkg(responseKind, 1).toString())
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void marathonDownIsServiceUnavailableNotACrash() throws Exception {
        HttpResponse<String> install = post("install", "install-response", "{\"packageName\": \"hello\"}");
        assertThat(install.statusCode()).isEqualTo(503);
        assertThat(Json.read(install.body()).path("type").asText()).isEqualTo("ServiceUnavailable");
        HttpResponse<String> list = post("list", "list-response", "{}");
        assertThat(list.statusCode()).isEqualTo(503);
        // what needs only the repositories still works
        assertThat(post("render", "render-response", "{\"packageName\": \"hello\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsAreJson404s() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cosmos.port() + "/package/nope"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).contains(MediaTypes.ERROR.toString());
        assertThat(Json.read(r.body()).path("message").asText()).contains("POST /package/nope");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cosmos.port() + "/package/search"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(404);
        HttpResponse<String> health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cosmos.port() + "/health"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(post("search", "search-response", "{}").statusCode()).isEqualTo(200);
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cosmos.port() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.body()).containsPattern("cosmos_requests_total\\{.*outcome=\"ok\".*rpc=\"search\".*\\} [1-9]");
    }

    @Test
    void fileRepositoriesWhenAllowed(@TempDir Path tmp) throws Exception {
        String dir = Fixtures.universeDir().toUri().toString();
        HttpResponse<String> added = post("repository/add", "repository.add-response",
                "{\"name\": \"dir\", \"uri\": \"" + dir + "\", \"index\": 0}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(200);
        JsonNode rendered = Json.read(post("render", "render-response", "{\"packageName\": \"hello\"}").body());
        assertThat(rendered.at("/marathonJson/labels/DCOS_PACKAGE_SOURCE").asText()).isEqualTo(dir);
        HttpResponse<String> traversal = post("repository/add", "repository.add-response",
                "{\"name\": \"up\", \"uri\": \"file:///tmp/../etc\"}");
        assertThat(traversal.statusCode()).isEqualTo(400);
        assertThat(Json.read(traversal.body()).path("type").asText()).isEqualTo("RepositoryUriSyntax");
        HttpResponse<String> missing = post("repository/add", "repository.add-response",
                "{\"name\": \"gone\", \"uri\": \"" + tmp.resolve("nothing").toUri() + "\"}");
        assertThat(Json.read(missing.body()).path("type").asText()).isEqualTo("RepositoryUriConnection");
        HttpResponse<String> notARepo = post("repository/add", "repository.add-response",
                "{\"name\": \"empty\", \"uri\": \"" + tmp.toUri() + "\"}");
        assertThat(Json.read(notARepo.body()).path("type").asText()).isEqualTo("IndexNotFound");
        assertThat(post("repository/delete", "repository.delete-response", "{\"name\": \"dir\"}").statusCode()).isEqualTo(200);
    }
}
