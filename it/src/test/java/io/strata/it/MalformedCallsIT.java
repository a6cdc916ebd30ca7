package io.strata.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.strata.it.support.Cluster;
import io.strata.it.support.DumpLogsOnFailure;
import io.strata.it.support.Encoding;
import io.strata.it.support.Http;
import io.strata.it.support.V1Scheduler;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What the master answers to calls that are wrong, with the status codes Mesos' master gives
 * (src/master/http.cpp {@code Master::Http::scheduler} and {@code api}, validation.cpp): 400 for a malformed
 * or invalid call, 405 for a method other than POST, 415 for an unsupported Content-Type, 406 for an
 * unacceptable Accept on SUBSCRIBE, 400 for a call naming a framework the master never saw ("Framework cannot
 * be found"), 403 for a known framework whose subscription is gone ("Framework is not subscribed"), 400 for a
 * missing or wrong Mesos-Stream-Id. Error bodies are plain text. Nothing here may ever produce a 5xx.
 * Codes are asserted exactly, bodies by a fragment of Mesos' wording.
 */
@ExtendWith(DumpLogsOnFailure.class)
class MalformedCallsIT {
    private static final String JSON = "application/json";
    private static final String PROTOBUF = "application/x-protobuf";

    private static Cluster cluster;
    private static URI scheduler;
    private static URI operator;

    @BeforeAll
    static void startCluster() {
        cluster = Cluster.builder("MalformedCallsIT").start();
        scheduler = cluster.leaderUri().resolve("/api/v1/scheduler");
        operator = cluster.leaderUri().resolve("/api/v1");
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    // ------------------------------------------------------------------ HTTP level

    @Test
    void getOnTheSchedulerEndpointIs405WithAllowPost() {
        Http.Resp r = Http.get(scheduler);
        assertThat(r.status()).as("GET /api/v1/scheduler: %s", r).isEqualTo(405);
        assertThat(r.header("Allow")).as("Allow header").hasValueSatisfying(v -> assertThat(v).contains("POST"));
    }

    @Test
    void missingContentTypeIs400() {
        Http.Resp r = post(scheduler, null, JSON, subscribeJson("no-content-type"), Map.of());
        assertError(r, 400, "Content-Type");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/xml", "application/x-www-form-urlencoded"})
    void unsupportedContentTypeIs415(String contentType) {
        Http.Resp r = post(scheduler, contentType, JSON, subscribeJson("bad-content-type"), Map.of());
        assertError(r, 415, "application/json");
        assertThat(r.text()).contains("application/x-protobuf");
    }

    @Test
    void malformedJsonIs400() {
        Http.Resp r = post(scheduler, JSON, JSON, "{\"type\": \"SUBSCRIBE\", ", Map.of());
        assertError(r, 400, "Failed to parse body into JSON");
    }

    @Test
    void jsonThatIsNotACallIs400() {
        Http.Resp r = post(scheduler, JSON, JSON, "{\"type\": \"SUBSCRIBE\", \"subscribe\": [1, 2]}", Map.of());
        assertError(r, 400, "Failed to convert JSON into Call protobuf");
    }

    @Test
    void unknownCallTypeIsDroppedLikeProto2AndTheCallHasNoType() {
        // stout's JSON->protobuf discards an unknown value of an optional enum, so validation finds no type
        Http.Resp r = post(scheduler, JSON, JSON, "{\"type\": \"NOT_A_CALL_TYPE\"}", Map.of());
        assertError(r, 400, "Expecting 'type' to be present");
    }

    @Test
    void malformedProtobufIs400() {
        byte[] garbage = new byte[12];
        java.util.Arrays.fill(garbage, (byte) 0xff); // a varint that never ends
        Http.Resp r = post(scheduler, PROTOBUF, PROTOBUF, garbage, Map.of());
        assertError(r, 400, "Failed to parse body into Call protobuf");
    }

    @Test
    void callWithoutTypeIs400() {
        assertError(post(scheduler, JSON, JSON, "{}", Map.of()), 400, "Expecting 'type' to be present");
    }

    // ------------------------------------------------------------------ SUBSCRIBE

    @Test
    void subscribeWithoutSubscribeMessageIs400() {
        Http.Resp r = post(scheduler, JSON, JSON, "{\"type\": \"SUBSCRIBE\"}", Map.of());
        assertError(r, 400, "Expecting 'subscribe' to be present");
    }

    @Test
    void subscribeWithUnacceptableAcceptIs406() {
        Http.Resp r = post(scheduler, JSON, "text/html", subscribeJson("bad-accept"), Map.of());
        assertError(r, 406, "Accept");
    }

    @Test
    void subscribeWithAStreamIdHeaderIs400() {
        Http.Resp r = post(scheduler, JSON, JSON, subscribeJson("with-stream-id"),
                Map.of(V1Scheduler.STREAM_ID, UUID.randomUUID().toString()));
        assertError(r, 400, "Mesos-Stream-Id");
    }

    @Test
    void subscribeWithIncompleteFrameworkInfoIs400() {
        // FrameworkInfo.user and .name are required fields
        Http.Resp r = post(scheduler, JSON, JSON,
                "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\"}}}", Map.of());
        assertError(r, 400, "");
    }

    // ------------------------------------------------------------------ calls before / without a subscription

    @Test
    void callWithoutFrameworkIdIs400() {
        Http.Resp r = post(scheduler, JSON, JSON, "{\"type\": \"REVIVE\"}",
                Map.of(V1Scheduler.STREAM_ID, UUID.randomUUID().toString()));
        assertError(r, 400, "Expecting 'framework_id' to be present");
    }

    @Test
    void callForAFrameworkTheMasterNeverSawIs400FrameworkCannotBeFound() {
        // Mesos: getFramework(call.framework_id()) == nullptr -> BadRequest("Framework cannot be found")
        String body = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + UUID.randomUUID() + "-0000\"}}";
        Http.Resp r = post(scheduler, JSON, JSON, body, Map.of(V1Scheduler.STREAM_ID, UUID.randomUUID().toString()));
        assertError(r, 400, "Framework cannot be found");
    }

    @Test
    void callForAFrameworkWhoseSubscriptionClosedIs403NotSubscribed() {
        V1Scheduler s = new V1Scheduler(cluster.leaderUri(), Encoding.JSON,
                cluster.logDir().resolve("scheduler-disconnected.log"));
        s.subscribeAndAwait(V1Scheduler.framework("it-disconnected").build());
        String fid = s.frameworkId().getValue();
        String streamId = s.streamId();
        s.close(); // the connection drops; the framework stays known for its failover timeout
        String body = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + fid + "\"}}";
        Http.Resp[] last = new Http.Resp[1];
        // Mesos notices the closed connection at once; a master that only notices when a HEARTBEAT write fails
        // needs up to two heartbeat intervals (15 s each), so allow that much
        await("the master notices the closed subscription").atMost(Duration.ofSeconds(45))
                .pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = post(scheduler, JSON, JSON, body, Map.of(V1Scheduler.STREAM_ID, streamId));
            assertThat(last[0].status()).as("REVIVE of a disconnected framework: %s", last[0]).isIn(202, 403);
            return last[0].status() == 403;
        });
        assertError(last[0], 403, "Framework is not subscribed");
    }

    // ------------------------------------------------------------------ subscribed framework, bad calls

    @Test
    void streamIdMustBePresentAndMatch() {
        V1Scheduler s = new V1Scheduler(cluster.leaderUri(), Encoding.JSON,
                cluster.logDir().resolve("scheduler-stream-id.log"));
        try {
            s.subscribeAndAwait(V1Scheduler.framework("it-stream-id").build());
            String revive = "{\"type\":\"REVIVE\",\"framework_id\":{\"value\":\"" + s.frameworkId().getValue() + "\"}}";

            Http.Resp missing = post(scheduler, JSON, JSON, revive, Map.of());
            assertError(missing, 400, "Mesos-Stream-Id");

            Http.Resp wrong = post(scheduler, JSON, JSON, revive,
                    Map.of(V1Scheduler.STREAM_ID, UUID.randomUUID().toString()));
            assertError(wrong, 400, "stream ID");

            Http.Resp right = post(scheduler, JSON, JSON, revive, Map.of(V1Scheduler.STREAM_ID, s.streamId()));
            assertThat(right.status()).as("REVIVE with the right stream id: %s", right).isEqualTo(202);

            String fid = "{\"value\":\"" + s.frameworkId().getValue() + "\"}";
            Map<String, String> sid = Map.of(V1Scheduler.STREAM_ID, s.streamId());
            assertError(post(scheduler, JSON, JSON, "{\"type\":\"ACCEPT\",\"framework_id\":" + fid + "}", sid),
                    400, "Expecting 'accept' to be present");
            assertError(post(scheduler, JSON, JSON, "{\"type\":\"DECLINE\",\"framework_id\":" + fid + "}", sid),
                    400, "Expecting 'decline' to be present");
            assertError(post(scheduler, JSON, JSON, "{\"type\":\"KILL\",\"framework_id\":" + fid + "}", sid),
                    400, "Expecting 'kill' to be present");
            assertError(post(scheduler, JSON, JSON, "{\"type\":\"RECONCILE\",\"framework_id\":" + fid + "}", sid),
                    400, "Expecting 'reconcile' to be present");
            // ACKNOWLEDGE whose uuid is not 16 bytes
            assertError(post(scheduler, JSON, JSON, "{\"type\":\"ACKNOWLEDGE\",\"framework_id\":" + fid
                    + ",\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},"
                    + "\"uuid\":\"AAEC\"}}", sid), 400, "");
            // the subscription survived all of that
            assertThat(post(scheduler, JSON, JSON, revive, sid).status()).isEqualTo(202);
            s.checkStream();
            assertThat(s.streamEnded()).as("event stream still open").isFalse();
        } finally {
            try {
                s.teardown();
            } finally {
                s.close();
            }
        }
    }

    // ------------------------------------------------------------------ never a 5xx

    @ParameterizedTest
    @ValueSource(strings = {
        "", "null", "[]", "\"SUBSCRIBE\"", "42", "{\"type\":1e999}", "{\"type\":null}", "{\"type\":[\"SUBSCRIBE\"]}",
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{}}", "{\"type\":\"SUBSCRIBE\",\"subscribe\":[]}",
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":\"x\"}}",
        "{\"type\":\"ACCEPT\",\"framework_id\":{\"value\":[]}}", "{\"type\":\"TEARDOWN\",\"framework_id\":{}}",
        "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\","
                + "\"failover_timeout\":\"soon\"}}}",
        "\u0000\u0001\u0002", "{\"type\":\"SUBSCRIBE\"}}}}}"
    })
    void garbageJsonIs400NeverAServerError(String body) {
        Http.Resp r = post(scheduler, JSON, JSON, body, Map.of());
        assertThat(r.status()).as("answer to %s: %s", body, r).isEqualTo(400);
    }

    @Test
    void deeplyNestedJsonIs400NeverAServerError() {
        String body = "{\"type\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}";
        Http.Resp r = post(scheduler, JSON, JSON, body, Map.of());
        assertThat(r.status()).as("answer to deeply nested JSON: %s", r).isEqualTo(400);
    }

    @Test
    void protobufWithUnknownCallTypeIs400() {
        // field 2 (type) = 99, not a Call.Type: proto2 keeps it as an unknown field, so 'type' is absent
        byte[] body = {0x10, 99};
        Http.Resp r = post(scheduler, PROTOBUF, PROTOBUF, body, Map.of());
        assertError(r, 400, "");
    }

    // ------------------------------------------------------------------ agent stream (docs/PROTOCOL.md)

    @Test
    void agentCallsInEitherEncodingAndBatchesAreCheckedNeverAServerError() {
        URI agent = cluster.leaderUri().resolve("/strata/v1/agent");
        String recordio = "application/recordio";
        Map<String, String> bogusStream = Map.of("Strata-Agent-Stream-Id", "no-such-stream");
        Map<String, String> protobufBatch = Map.of("Strata-Agent-Stream-Id", "no-such-stream",
                "Message-Content-Type", PROTOBUF);
        // well-formed PONGs for a stream the master does not know: 403, in JSON, protobuf (type 9) and a batch
        assertError(post(agent, JSON, JSON, "{\"type\":\"PONG\"}", bogusStream), 403, "subscribe again");
        assertError(post(agent, PROTOBUF, PROTOBUF, new byte[] {0x08, 9}, bogusStream), 403, "subscribe again");
        assertError(post(agent, recordio, null, "2\n\u0008\u0009" + "2\n\u0008\u0009", protobufBatch), 403,
                "subscribe again");
        // malformed: an unknown type, a TaskStatus without its task_id, a broken RecordIO frame, an empty batch
        assertError(post(agent, PROTOBUF, PROTOBUF, new byte[] {0x08, 99}, bogusStream), 400, "Malformed agent message");
        assertError(post(agent, PROTOBUF, PROTOBUF, new byte[] {0x08, 10, 0x6a, 2, 0x10, 1}, bogusStream), 400,
                "Malformed agent message");
        assertError(post(agent, recordio, null, "x\n", protobufBatch), 400, "Malformed agent message");
        assertError(post(agent, recordio, null, "", protobufBatch), 400, "Malformed agent message");
        // a batch holds calls only: no SUBSCRIBE in it
        assertError(post(agent, recordio, null, "2\n\u0008\u0001", protobufBatch), 400, "may not send SUBSCRIBE");
        assertError(post(agent, JSON, JSON, "{\"type\":\"LAUNCH\"}", bogusStream), 400, "may not send LAUNCH");
    }

    // ------------------------------------------------------------------ operator API

    @Test
    void operatorApiRejectsWrongMethodMediaTypesAndBodies() {
        Http.Resp get = Http.get(operator);
        assertThat(get.status()).as("GET /api/v1: %s", get).isEqualTo(405);
        assertError(post(operator, null, JSON, "{\"type\":\"GET_HEALTH\"}", Map.of()), 400, "Content-Type");
        assertError(post(operator, "text/plain", JSON, "{\"type\":\"GET_HEALTH\"}", Map.of()), 415,
                "application/json");
        assertError(post(operator, JSON, JSON, "{\"type\":", Map.of()), 400, "Failed to parse body into JSON");
        assertError(post(operator, JSON, JSON, "{\"type\":\"NO_SUCH_CALL\"}", Map.of()), 400,
                "Expecting 'type' to be present");
        assertError(post(operator, JSON, JSON, "{\"type\":\"GET_METRICS\",\"get_metrics\":[1]}", Map.of()), 400,
                "Failed to convert JSON into Call protobuf");
        assertError(post(operator, JSON, "text/html", "{\"type\":\"GET_HEALTH\"}", Map.of()), 406, "Accept");
        for (String body : List.of("", "null", "[]", "{\"type\":\"GET_METRICS\",\"get_metrics\":7}")) {
            Http.Resp r = post(operator, JSON, JSON, body, Map.of());
            assertThat(r.status()).as("operator answer to %s: %s", body, r).isEqualTo(400);
        }
    }

    // ------------------------------------------------------------------ helpers

    private static String subscribeJson(String name) {
        return "{\"type\":\"SUBSCRIBE\",\"subscribe\":{\"framework_info\":{\"user\":\"root\",\"name\":\"" + name
                + "\"}}}";
    }

    private static Http.Resp post(URI uri, String contentType, String accept, String body, Map<String, String> headers) {
        return post(uri, contentType, accept, body.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static Http.Resp post(URI uri, String contentType, String accept, byte[] body, Map<String, String> headers) {
        HttpRequest.Builder b = Http.request(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        if (accept != null) b.header("Accept", accept);
        headers.forEach(b::header);
        try {
            var r = Http.CLIENT.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofInputStream());
            byte[] data;
            try (var in = r.body()) {
                // a 200 here would be an (unexpected) event stream that never ends: do not read it
                data = r.statusCode() == 200 ? new byte[0] : in.readAllBytes();
            }
            return new Http.Resp(r.statusCode(), r.headers().map(), data);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Exact status, a plain-text body containing Mesos' wording fragment. */
    private static void assertError(Http.Resp r, int status, String fragment) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.text()).as("body").contains(fragment);
        if (!r.text().isEmpty()) {
            assertThat(r.header("Content-Type")).as("Content-Type of the error body %s", r.text())
                    .hasValueSatisfying(ct -> assertThat(ct).startsWith("text/plain"));
        }
    }
}
