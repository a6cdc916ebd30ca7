package io.strata.cli.commands;

import io.strata.cli.Cli;
import io.strata.cli.CliException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dcos help [<command>...]}: the commands, or one command's usage. */
@Command(name = "help", description = "Show the commands, or a command's usage: dcos help marathon app.")
public final class HelpCommand extends Base {

    @Parameters(arity = "0..*", paramLabel = "<command>", description = "The command to describe, e.g. marathon app add.")
    List<String> command;

    HelpCommand(Cli cli) {
        super(cli);
    }

    @Override
    public Integer call() {
        List<String> words = command == null ? List.of() : command;
        CommandLine target = io.strata.cli.Dcos.commandLine(cli, words);
        if (command != null) {
            for (String word : command) {
                CommandLine next = target.getSubcommands().get(word);
                if (next == null) {
                    throw new CliException("'" + word + "' is not a command of '" + target.getCommandSpec().qualifiedName()
                            + "'; see: dcos help");
                }
                target = next;
            }
        }
        target.usage(cli.out);
        return 0;
    }
}
