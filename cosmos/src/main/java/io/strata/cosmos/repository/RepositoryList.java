package io.strata.cosmos.repository;

import io.strata.cosmos.api.CosmosError;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules of Cosmos' repository list, on an immutable list: add at an index (default: the end) refusing a
 * name or URI already present, delete by name and/or URI. Priority is list order.
 */
public final class RepositoryList {
    private RepositoryList() {}

    public static List<PackageRepository> add(List<PackageRepository> current, PackageRepository repo, Integer index) {
        boolean nameTaken = current.stream().anyMatch(r -> r.name().equals(repo.name()));
        boolean uriTaken = current.stream().anyMatch(r -> r.uri().equals(repo.uri()));
        if (nameTaken || uriTaken) {
            throw CosmosError.repositoryAlreadyPresent(nameTaken ? repo.name() : null, uriTaken ? repo.uri() : null);
        }
        int at = index == null ? current.size() : index;
        if (at < 0 || at > current.size()) throw CosmosError.repositoryAddIndexOutOfBounds(at, current.size());
        List<PackageRepository> next = new ArrayList<>(current);
        next.add(at, repo);
        return List.copyOf(next);
    }

    public static List<PackageRepository> delete(List<PackageRepository> current, String name, String uri) {
        if (name == null && uri == null) throw CosmosError.repoNameOrUriMissing();
        List<PackageRepository> next = new ArrayList<>(current);
        boolean removed = next.removeIf(r -> (name == null || r.name().equals(name)) && (uri == null || r.uri().equals(uri)));
        if (!removed) throw CosmosError.repositoryNotPresent(name, uri);
        return List.copyOf(next);
    }
}
