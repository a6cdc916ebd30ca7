package io.strata.it.support;


import io.strata.common.json.ProtoJson;
import io.strata.common.recordio.RecordIO;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.mesos.v1.master.Protos.Call;
import org.apache.mesos.v1.master.Protos.Event;
import org.apache.mesos.v1.master.Protos.Response;

/** The Mesos v1 operator API ({@code POST /api/v1}) in JSON or protobuf, and its SUBSCRIBE event stream. */
public final class OperatorClient {
    private final URI endpoint;

    public OperatorClient(URI master) {
        this.endpoint = master.resolve("/api/v1");
    }

    public static Call call(Call.Type type) {
        return Call.newBuilder().setType(type).build();
    }

    /** Sends the call and returns the raw answer. */
    public Http.Resp send(Call call, Encoding encoding) {
        byte[] body = encoding == Encoding.PROTOBUF ? call.toByteArray()
                : ProtoJson.print(call).getBytes(StandardCharsets.UTF_8);
        return Http.send(Http.request(endpoint)
                .header("Content-Type", encoding.mediaType)
                .header("Accept", encoding.mediaType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** Sends the call, asserts 200 and the response media type, and decodes the Response. */
    public Response call(Call call, Encoding encoding) {
        Http.Resp r = send(call, encoding);
        if (r.status() != 200) throw new AssertionError(call.getType() + " (" + encoding + ") answered " + r);
        String ct = r.header("Content-Type").orElse("");
        if (!ct.startsWith(encoding.mediaType)) {
            throw new AssertionError(call.getType() + " answered Content-Type '" + ct + "', expected " + encoding.mediaType);
        }
        try {
            if (encoding == Encoding.PROTOBUF) return Response.parseFrom(r.body());
            return ProtoJson.parse(r.text(), Response.newBuilder()).build();
        } catch (IOException | IllegalArgumentException e) {
            throw new AssertionError(call.getType() + " answer does not decode as master.Response: " + r, e);
        }
    }

    public Response call(Call.Type type, Encoding encoding) {
        return call(call(type), encoding);
    }

    /** Opens SUBSCRIBE; the stream is read on a virtual thread. */
    public Subscription subscribe(Encoding encoding) {
        return new Subscription(endpoint, encoding);
    }

    /** An operator event stream. */
    public static final class Subscription implements AutoCloseable {
        private final Encoding encoding;
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
        private final List<Event> events = new CopyOnWriteArrayList<>();
        private final int status;
        private final String contentType;
        private final InputStream stream;
        private volatile Throwable error;

        Subscription(URI endpoint, Encoding encoding) {
            this.encoding = encoding;
            byte[] body = encoding == Encoding.PROTOBUF ? call(Call.Type.SUBSCRIBE).toByteArray()
                    : ProtoJson.print(call(Call.Type.SUBSCRIBE)).getBytes(StandardCharsets.UTF_8);
            HttpRequest req = HttpRequest.newBuilder(endpoint)
                    .header("Content-Type", encoding.mediaType).header("Accept", encoding.mediaType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
            try {
                HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
                status = r.statusCode();
                contentType = r.headers().firstValue("Content-Type").orElse("");
                stream = r.body();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (status == 200) Thread.ofVirtual().name("operator-stream").start(this::read);
        }

        private void read() {
            RecordIO.Reader r = new RecordIO.Reader(stream);
            try {
                for (byte[] rec = r.next(); rec != null; rec = r.next()) {
                    events.add(encoding == Encoding.PROTOBUF ? Event.parseFrom(rec)
                            : ProtoJson.parse(new String(rec, StandardCharsets.UTF_8), Event.newBuilder()).build());
                }
            } catch (IOException | RuntimeException e) {
                error = e;
            }
        }

        public int status() {
            return status;
        }

        public String contentType() {
            return contentType;
        }

        public List<Event> events() {
            return List.copyOf(events);
        }

        public Event await(Predicate<Event> match, Duration timeout) {
            Event[] hit = new Event[1];
            org.awaitility.Awaitility.await("operator event").atMost(timeout).pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        for (Event e : events) {
                            if (match.test(e)) {
                                hit[0] = e;
                                return true;
                            }
                        }
                        if (error != null && !(error instanceof IOException && closed)) {
                            throw new AssertionError("operator stream failed; events so far: " + types(), error);
                        }
                        return false;
                    });
            return hit[0];
        }

        private volatile boolean closed;

        public List<Event.Type> types() {
            return events.stream().map(Event::getType).toList();
        }

        @Override
        public void close() {
            closed = true;
            try {
                stream.close();
            } catch (IOException | RuntimeException ignored) {
                // already broken
            }
            http.shutdownNow();
        }
    }

}
