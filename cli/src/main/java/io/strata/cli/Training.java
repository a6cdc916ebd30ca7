package io.strata.cli;

import io.strata.cli.output.Jsons;
import io.strata.cli.output.Table;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code dcos __train}: runs the commands' common paths once, against an address where nothing listens, so that
 * the JVM's class-data-sharing archive written at exit ({@code -XX:ArchiveClassesAtExit}, see bin/dcos) holds
 * what every command loads — picocli's model of all commands, Jackson, the HTTP client, the tables — and not
 * only what the first command a user happened to run needed.
 */
final class Training {
    private Training() {}

    static void run() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        Path home = Path.of(System.getProperty("java.io.tmpdir"), "strata-cli-training");
        Map<String, String> env = Map.of("DCOS_URL", "http://127.0.0.1:1", "DCOS_CONFIG", home.resolve("dcos.toml").toString());
        String[][] commands = {
                {"--help"}, {"help", "marathon", "app"}, {"config", "show"}, {"config", "show", "--json"},
                {"marathon", "app", "list"}, {"marathon", "app", "add", "--help"}, {"marathon", "app", "show", "x"},
                {"marathon", "deployment", "list"}, {"marathon", "task", "list"}, {"marathon", "group", "list"},
                {"node"}, {"service"}, {"task"}, {"task", "log", "x"}, {"marathon", "app", "update", "x", "instances=1"},
                {"package", "search"}, {"package", "list"}, {"package", "describe", "x"},
                {"nonsense"},
        };
        for (String[] args : commands) {
            Cli cli = new Cli(nowhere, nowhere, new ByteArrayInputStream(new byte[0]), env, home, false, false);
            Dcos.run(cli, args);
        }
        var json = Jsons.parse("{\"apps\":[{\"id\":\"/a\",\"cpus\":0.1,\"mem\":32,\"labels\":{}}],\"n\":null,\"b\":true}", "training");
        nowhere.println(Jsons.pretty(json));
        nowhere.println(new Table().left("A").center("B").right("C").row("a", "b", "c").sortBy("A").render());
        Version.field("{\"version\": \"1\"}", "version", "N/A");
    }
}
