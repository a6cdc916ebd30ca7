package io.strata.cli;

import java.util.List;

/**
 * The command hierarchy, declared here rather than in picocli's {@code subcommands} attributes so that a run
 * builds picocli's model only for the commands on its path ({@code dcos marathon app list} builds four, not
 * fifty): reflecting over every command's annotations was most of the CLI's start-up time.
 */
public final class CommandTree {
    /** A command and its subcommands. */
    public record Node(String name, Class<?> command, List<Node> children) {
        public Node find(String child) {
            for (Node n : children) {
                if (n.name().equals(child)) return n;
            }
            return null;
        }
    }

    private CommandTree() {}

    public static Node node(String name, Class<?> command, Node... children) {
        return new Node(name, command, List.of(children));
    }
}
