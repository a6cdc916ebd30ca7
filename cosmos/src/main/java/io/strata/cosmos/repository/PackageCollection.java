package io.strata.cosmos.repository;

import io.strata.cosmos.api.CosmosError;
import io.strata.cosmos.universe.UniversePackage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every package of every repository in the list, merged as Cosmos merges them: the same name and version in
 * two repositories is served by the one earlier in the list; a name's releases sort newest first. Repositories
 * are fetched in parallel and kept for {@code refresh}; one that fails is left out (its error is kept, and
 * retried after {@code retry}) so the others keep working.
 */
public final class PackageCollection {
    private static final Logger LOG = LoggerFactory.getLogger(PackageCollection.class);

    /** A package and the repository it came from. */
    public record Located(UniversePackage pkg, PackageRepository repo, int index) {}

    /** What loading one repository gave: its packages or its error. */
    public record Loaded(PackageRepository repo, List<UniversePackage> packages, CosmosError error, Instant at) {}

    private final RepositoryStore store;
    private final RepositoryFetcher fetcher;
    private final Duration refresh;
    private final Duration retry;
    private final Clock clock;
    private final Map<PackageRepository, Loaded> cache = new ConcurrentHashMap<>();
    private final Map<PackageRepository, CompletableFuture<Loaded>> inflight = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();

    public PackageCollection(RepositoryStore store, RepositoryFetcher fetcher, Duration refresh, Duration retry, Clock clock) {
        this.store = store;
        this.fetcher = fetcher;
        this.refresh = refresh;
        this.retry = retry;
        this.clock = clock;
    }

    public RepositoryStore store() {
        return store;
    }

    public RepositoryFetcher fetcher() {
        return fetcher;
    }

    public void invalidate() {
        cache.clear();
    }

    /** The last load of a repository, if it was loaded. */
    public Optional<Loaded> lastLoad(PackageRepository repo) {
        return Optional.ofNullable(cache.get(repo));
    }

    /** Loads (or takes from the cache) every listed repository, in list order. */
    public List<Loaded> load() {
        List<PackageRepository> repos = store.list();
        List<Future<Loaded>> futures = new ArrayList<>();
        for (PackageRepository r : repos) futures.add(pool.submit(() -> loadOne(r)));
        List<Loaded> out = new ArrayList<>();
        for (Future<Loaded> f : futures) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CosmosError.serviceUnavailable("cosmos");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
            }
        }
        cache.keySet().retainAll(repos);
        return out;
    }

    private Loaded loadOne(PackageRepository repo) {
        Loaded cached = cache.get(repo);
        if (cached != null && cached.at().plus(cached.error() == null ? refresh : retry).isAfter(clock.instant())) return cached;
        // one fetch per repository at a time: requests that arrive meanwhile wait for it (a slow repository is
        // fetched once, not once per request)
        CompletableFuture<Loaded> mine = new CompletableFuture<>();
        CompletableFuture<Loaded> running = inflight.putIfAbsent(repo, mine);
        if (running != null) return running.join();
        try {
            Loaded fresh = fetch(repo, cached);
            mine.complete(fresh);
            return fresh;
        } catch (RuntimeException e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inflight.remove(repo, mine);
        }
    }

    private Loaded fetch(PackageRepository repo, Loaded cached) {
        Instant now = clock.instant();
        Loaded fresh;
        try {
            List<UniversePackage> pkgs = fetcher.fetch(repo);
            fresh = new Loaded(repo, pkgs, null, now);
            if (cached == null || cached.error() != null) {
                LOG.info("msg=\"repository loaded\" repository=\"{}\" uri={} packages={}", repo.name(), repo.uri(), pkgs.size());
            }
        } catch (CosmosError e) {
            fresh = new Loaded(repo, List.of(), e, now);
            LOG.warn("msg=\"repository unavailable\" repository=\"{}\" uri={} type={} error=\"{}\"", repo.name(), repo.uri(),
                    e.type(), e.getMessage());
        }
        cache.put(repo, fresh);
        return fresh;
    }

    /** Cosmos' merge: one entry per name and version (the earliest repository wins), by name, repository, newest release. */
    public static List<Located> merge(List<Loaded> loaded) {
        Map<String, Located> byCoordinate = new HashMap<>();
        for (int i = 0; i < loaded.size(); i++) {
            for (UniversePackage p : loaded.get(i).packages()) {
                String key = p.name() + "\u0000" + p.version();
                Located l = new Located(p, loaded.get(i).repo(), i);
                byCoordinate.merge(key, l, (a, b) -> a.index() < b.index() || a.index() == b.index()
                        && a.pkg().releaseVersion() >= b.pkg().releaseVersion() ? a : b);
            }
        }
        List<Located> out = new ArrayList<>(byCoordinate.values());
        out.sort(Comparator.comparing((Located l) -> l.pkg().name()).thenComparingInt(Located::index)
                .thenComparing(Comparator.comparingLong((Located l) -> l.pkg().releaseVersion()).reversed()));
        return out;
    }

    public List<Located> all() {
        return merge(load());
    }

    /** The package for a name and an optional version: without a version, the first (newest) one. */
    public static Located find(List<Located> merged, String name, String version) {
        List<Located> named = merged.stream().filter(l -> l.pkg().name().equals(name)).toList();
        if (named.isEmpty()) throw CosmosError.packageNotFound(name);
        if (version == null) return named.getFirst();
        return named.stream().filter(l -> l.pkg().version().equals(version)).findFirst()
                .orElseThrow(() -> CosmosError.versionNotFound(name, version));
    }

    public Located find(String name, String version) {
        return find(all(), name, version);
    }

    /** All releases of a name: version to release version. */
    public static Map<String, Long> versions(List<Located> merged, String name) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Located l : merged) {
            if (l.pkg().name().equals(name)) out.merge(l.pkg().version(), l.pkg().releaseVersion(), Math::max);
        }
        if (out.isEmpty()) throw CosmosError.packageNotFound(name);
        return out;
    }

    public void close() {
        pool.shutdownNow();
    }
}
