package io.strata.common.files;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.common.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilesApiTest {
    @TempDir
    Path work;
    private Path slaves;
    private Path sandbox;
    private FilesApi files;

    @BeforeEach
    void setUp() throws Exception {
        work = work.toRealPath();
        slaves = Files.createDirectories(work.resolve("slaves"));
        sandbox = Files.createDirectories(slaves.resolve("S0/frameworks/fw/executors/t1/runs/c1"));
        Files.writeString(sandbox.resolve("stdout"), "0123456789");
        Files.createDirectories(sandbox.resolve("sub"));
        Files.createDirectories(work.resolve("meta"));
        Files.writeString(work.resolve("meta/agent.json"), "{\"agent_id\":\"secret\"}");
        Files.writeString(work.resolve("outside.txt"), "outside");
        files = new FilesApi(() -> FilesApi.attach(slaves, Map.of("/frameworks/fw/executors/t1/runs/latest", sandbox)));
    }

    @Test
    void readsWithOffsetAndLength() {
        assertThat(json(files.read(sandbox + "/stdout", "0", null))).isEqualTo(Json.read("{\"data\":\"0123456789\",\"offset\":0}"));
        assertThat(json(files.read(sandbox + "/stdout", "2", "3"))).isEqualTo(Json.read("{\"data\":\"234\",\"offset\":2}"));
        assertThat(json(files.read(sandbox + "/stdout", "20", "3"))).isEqualTo(Json.read("{\"data\":\"\",\"offset\":20}"));
        assertThat(json(files.read(sandbox + "/stdout", "0", "-1")).path("data").asText()).isEqualTo("0123456789");
    }

    @Test
    void offsetMinusOneAsksForTheSize() {
        assertThat(json(files.read(sandbox + "/stdout", "-1", null))).isEqualTo(Json.read("{\"data\":\"\",\"offset\":10}"));
    }

    @Test
    void virtualPathsReachTheLatestRun() {
        assertThat(json(files.read("/frameworks/fw/executors/t1/runs/latest/stdout", "0", "4")).path("data").asText()).isEqualTo("0123");
    }

    @Test
    void missingFilesAre404AndBadParameters400() {
        assertThat(files.read(sandbox + "/nope", "0", null).status()).isEqualTo(404);
        assertThat(files.read("/somewhere/else", "0", null).status()).isEqualTo(404);
        assertThat(files.read(sandbox + "/stdout", "x", null).status()).isEqualTo(400);
        assertThat(files.read(sandbox + "/stdout", "-5", null).status()).isEqualTo(400);
        assertThat(files.read(sandbox + "/stdout", "0", "-2").status()).isEqualTo(400);
        assertThat(files.read(null, "0", null).status()).isEqualTo(400);
        assertThat(files.read(sandbox.toString(), "0", null).status()).as("a directory").isEqualTo(400);
    }

    @Test
    void traversalOutOfTheAttachedDirectoriesIsRefused() throws Exception {
        assertThat(files.read(slaves + "/../meta/agent.json", "0", null).status()).isEqualTo(400);
        assertThat(files.read(sandbox + "/../../../../../../../../outside.txt", "0", null).status()).isEqualTo(400);
        assertThat(files.read("/frameworks/fw/executors/t1/runs/latest/../../../../../../../../outside.txt", "0", null).status()).isEqualTo(400);
        assertThat(files.read(work + "/meta/agent.json", "0", null).status()).as("not attached").isEqualTo(404);
        assertThat(files.browse(slaves + "/..").status()).isEqualTo(400);
        Files.createSymbolicLink(sandbox.resolve("escape"), work.resolve("outside.txt"));
        assertThat(files.read(sandbox + "/escape", "0", null).status()).as("a symlink out").isEqualTo(400);
        assertThat(files.read(sandbox + "/stdout\0", "0", null).status()).isEqualTo(400);
    }

    @Test
    void browseListsADirectoryLikeMesos() {
        JsonNode listing = json(files.browse(sandbox.toString()));
        assertThat(listing).hasSize(2);
        JsonNode stdout = listing.get(0);
        assertThat(stdout.path("path").asText()).isEqualTo(sandbox + "/stdout");
        assertThat(stdout.path("size").asLong()).isEqualTo(10);
        assertThat(stdout.path("mode").asText()).startsWith("-rw");
        assertThat(stdout.path("nlink").asLong()).isEqualTo(1);
        assertThat(stdout.has("mtime")).isTrue();
        assertThat(stdout.has("uid")).isTrue();
        assertThat(listing.get(1).path("mode").asText()).startsWith("d");
        assertThat(json(files.browse("/frameworks/fw/executors/t1/runs/latest/")).get(0).path("path").asText())
                .isEqualTo("/frameworks/fw/executors/t1/runs/latest/stdout");
        assertThat(files.browse(sandbox + "/missing").status()).isEqualTo(404);
    }

    @Test
    void debugListsTheAttachments() {
        JsonNode debug = Json.read(files.debug());
        assertThat(debug.path(slaves.toString()).asText()).isEqualTo(slaves.toString());
        assertThat(debug.path("/frameworks/fw/executors/t1/runs/latest").asText()).isEqualTo(sandbox.toString());
    }

    private static JsonNode json(FilesApi.Result r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return Json.read(r.body());
    }
}
