package io.strata.agent.containerizer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.CommandInfo;

/**
 * The small {@code sh} wrapper every task runs under. It is what makes tasks independent of the agent process:
 * <ol>
 *   <li>it writes its own pid into the task's cgroup(s) before the command exists, so the command and all its
 *       children are confined from their first instruction;</li>
 *   <li>it runs the command as a child and writes the command's exit status to a file, which a restarted agent
 *       (no longer the parent, so unable to wait for it) reads when the process is gone;</li>
 *   <li>it catches SIGTERM itself (a handler, not "ignore", so the command still gets the default action) so
 *       that a kill of the process group still leaves an exit status behind.</li>
 * </ol>
 * The command itself is passed as arguments ({@code "$@"}), never spliced into the script text.
 */
public final class LaunchScript {
    public static final String SETSID = "/usr/bin/setsid";
    public static final String SHELL = "/bin/sh";

    private LaunchScript() {}

    public static String render(Path pidFile, Path statusFile, List<Path> cgroupProcsFiles) {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/sh\n");
        s.append("# Written by the Strata agent: joins the task's cgroups, runs the task, records its exit status.\n");
        s.append("echo $$ > ").append(quote(pidFile.toString())).append('\n');
        for (Path procs : cgroupProcsFiles) {
            s.append("echo $$ > ").append(quote(procs.toString()))
                    .append(" || echo 'strata: could not join cgroup ").append(escapeInQuotes(procs.toString())).append("' >&2\n");
        }
        s.append("trap 'strata_signal=1' TERM INT HUP\n");
        s.append("\"$@\"\n");
        s.append("strata_status=$?\n");
        s.append("echo \"$strata_status\" > ").append(quote(statusFile.toString())).append('\n');
        s.append("exit \"$strata_status\"\n");
        return s.toString();
    }

    /**
     * The command line for a task: {@code sh -c <value>} for shell commands (the default), otherwise
     * {@code value} executed with {@code arguments[1..]} (Mesos passes argv[0] as the first argument).
     */
    public static List<String> commandLine(CommandInfo command) {
        boolean shell = !command.hasShell() || command.getShell();
        if (shell) {
            if (command.getValue().isBlank()) throw new IllegalArgumentException("the task's command has no value");
            return List.of(SHELL, "-c", command.getValue());
        }
        List<String> argv = new ArrayList<>();
        String exe = command.getValue();
        if (exe.isEmpty() && command.getArgumentsCount() > 0) exe = command.getArguments(0);
        if (exe.isBlank()) throw new IllegalArgumentException("the task's command has neither a value nor arguments");
        argv.add(exe);
        for (int i = 1; i < command.getArgumentsCount(); i++) argv.add(command.getArguments(i));
        return argv;
    }

    /** Single-quotes a string for sh. */
    public static String quote(String s) {
        return "'" + escapeInQuotes(s) + "'";
    }

    private static String escapeInQuotes(String s) {
        return s.replace("'", "'\\''");
    }
}
