package io.strata.cosmos.repository;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.strata.cosmos.Fixtures;
import io.strata.cosmos.universe.RepositoryFormat;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loading over HTTP: a slow repository is fetched once for many concurrent requests, and kept for the refresh time. */
class PackageCollectionLoadTest {
    @Test
    void concurrentRequestsShareOneFetch() throws Exception {
        byte[] repo = RepositoryFormat.toJsonBytes(Fixtures.packages());
        AtomicInteger fetches = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/repo", ex -> {
            fetches.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.getResponseHeaders().add("Content-Type", "application/vnd.dcos.universe.repo+json;charset=utf-8;version=v4");
            ex.sendResponseHeaders(200, repo.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(repo);
            }
        });
        server.start();
        HttpClient http = HttpClient.newHttpClient();
        PackageRepository slow = new PackageRepository("slow", "http://127.0.0.1:" + server.getAddress().getPort() + "/repo");
        RepositoryFetcher fetcher = new RepositoryFetcher(http, Duration.ofSeconds(10), 1 << 20, false, "1.13.0", new BuiltinRepository());
        PackageCollection packages = new PackageCollection(RepositoryStore.memory(List.of(slow)), fetcher, Duration.ofMinutes(1),
                Duration.ofSeconds(5), Clock.systemUTC());
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try {
            List<Future<List<PackageCollection.Loaded>>> calls = new ArrayList<>();
            for (int i = 0; i < 10; i++) calls.add(pool.submit(packages::load));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() >= 1);
            release.countDown();
            for (var c : calls) {
                List<PackageCollection.Loaded> loaded = c.get(10, TimeUnit.SECONDS);
                assertThat(loaded).hasSize(1);
                assertThat(loaded.getFirst().error()).isNull();
                assertThat(loaded.getFirst().packages()).hasSize(3);
            }
            assertThat(fetches.get()).isEqualTo(1);
            assertThat(packages.all()).hasSize(3);
            assertThat(fetches.get()).as("kept for the refresh time").isEqualTo(1);
        } finally {
            pool.shutdownNow();
            packages.close();
            server.stop(0);
        }
    }
}
