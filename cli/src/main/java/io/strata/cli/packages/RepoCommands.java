package io.strata.cli.packages;

import static io.strata.cli.CommandTree.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.strata.cli.Cli;
import io.strata.cli.CliException;
import io.strata.cli.CommandTree;
import io.strata.cli.commands.Base;
import io.strata.cli.output.Jsons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dcos package repo}: the repositories Cosmos reads packages from, kept by Cosmos for the whole cluster
 * ({@code /package/repository/list|add|delete}). The first repository that has a package wins.
 */
final class RepoCommands {
    private RepoCommands() {}

    static CommandTree.Node tree() {
        return node("repo", Repo.class, node("add", Add.class), node("import", Import.class), node("list", ListRepos.class),
                node("remove", Remove.class));
    }

    /**
     * Adds each of {@code sources} (repository URIs, in priority order) that Cosmos does not have yet, named by
     * its URI, at its position in the list; returns how many could not be added.
     */
    static int addSources(Cli cli, CosmosClient cosmos, List<String> sources) {
        JsonNode repositories = cosmos.repositories().path("repositories");
        Set<String> known = new HashSet<>();
        repositories.forEach(r -> known.add(r.path("uri").asText()));
        int size = repositories.size();
        int failures = 0;
        for (int i = 0; i < sources.size(); i++) {
            String uri = sources.get(i);
            if (!known.add(uri)) continue;
            int index = Math.min(i, size);
            try {
                cosmos.addRepository(uri, uri, index);
                size++;
                cli.err.println("Added repo '" + uri + "' (" + uri + ") at index " + index);
            } catch (CliException e) {
                failures++;
                cli.err.println("Error (" + e.getMessage() + ") while adding repo '" + uri + "' (" + uri + "). Skipping.");
            }
        }
        return failures;
    }

    @Command(name = "repo", description = "Manage the package repositories of the cluster.")
    static final class Repo extends Base.Parent {
        Repo(Cli cli) {
            super(cli);
        }
    }

    @Command(name = "add", description = "Add a package repository to DC/OS.")
    static final class Add extends Base {
        @Parameters(index = "0", paramLabel = "<repo-name>", description = "Name of the package repository, e.g. Universe.")
        String name;
        @Parameters(index = "1", paramLabel = "<repo-url>", description = "URL of the package repository, e.g. https://universe.example.com/repo.")
        String url;
        @Option(names = "--index", paramLabel = "<index>",
                description = "Position in the repository list (0: first). Repositories are searched in order; default: last.")
        Integer index;

        Add(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            if (index != null && index < 0) throw new CliException("--index must be 0 or more, got " + index);
            CosmosClient.of(cli).addRepository(name, url, index);
            return 0;
        }
    }

    @Command(name = "import", description = "Add the package repositories listed in a file.")
    static final class Import extends Base {
        @Parameters(index = "0", paramLabel = "<repos-file>",
                description = "A JSON file in the format of 'dcos package repo list --json': {\"repositories\": [{\"name\": ..., \"uri\": ...}]}.")
        String file;

        Import(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            String text;
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliException("Error opening file [" + file + "]: No such file or directory");
            } catch (IOException | InvalidPathException e) {
                throw new CliException("Error opening file [" + file + "]: " + e.getMessage());
            }
            JsonNode repositories;
            try {
                repositories = Jsons.MAPPER.readTree(text).path("repositories");
            } catch (IOException e) {
                repositories = null;
            }
            if (repositories == null || !repositories.isArray() || repositories.isEmpty()) {
                throw new CliException("No repositories found to import. You should provide a file containing package "
                        + "repositories, listed in the format of `dcos package repo list --json`.\nExample: "
                        + "{\"repositories\": [{\"name\": \"Universe\", \"uri\": \"uri-here\"}]}");
            }
            CosmosClient cosmos = CosmosClient.of(cli);
            int index = 0;
            for (JsonNode r : repositories) {
                String name = r.path("name").asText("");
                String uri = r.path("uri").asText("");
                if (name.isEmpty() || uri.isEmpty()) {
                    cli.print().line("Repo missing name or uri. Skipping.");
                } else {
                    try {
                        cosmos.addRepository(name, uri, index);
                        cli.print().line("Added repo \"" + name + "\" (" + uri + ") at index " + index);
                    } catch (CliException e) {
                        cli.print().line("Error (" + e.getMessage() + ") while adding repo \"" + name + "\" (" + uri + "). Skipping.");
                    }
                }
                index++;
            }
            return 0;
        }
    }

    @Command(name = "list", description = "Print the package repositories, in the order they are searched.")
    static final class ListRepos extends Base {
        @Option(names = "--json", description = "JSON-formatted data.")
        boolean json;

        ListRepos(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            JsonNode answer = CosmosClient.of(cli).repositories();
            if (json) {
                cli.print().json(answer);
                return 0;
            }
            JsonNode repositories = answer.path("repositories");
            if (repositories.isEmpty()) {
                throw new CliException("There are currently no repos configured. Please use `dcos package repo add` to add a repo");
            }
            for (JsonNode r : repositories) cli.print().line(r.path("name").asText() + ": " + r.path("uri").asText());
            return 0;
        }
    }

    @Command(name = "remove", description = "Remove package repositories from DC/OS.")
    static final class Remove extends Base {
        @Parameters(arity = "1..*", paramLabel = "<repo-names>", description = "Names of the package repositories.")
        List<String> names;

        Remove(Cli cli) {
            super(cli);
        }

        @Override
        public Integer call() {
            CosmosClient cosmos = CosmosClient.of(cli);
            for (String name : names) cosmos.deleteRepository(name);
            return 0;
        }
    }
}
