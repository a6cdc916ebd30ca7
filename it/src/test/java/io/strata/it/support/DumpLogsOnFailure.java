package io.strata.it.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * When a test (or its class setup) fails, prints the tail of every daemon and scheduler log of the test class
 * (target/it-logs/&lt;TestClass&gt;/*.log) to stdout, which surefire keeps in
 * target/surefire-reports/&lt;TestClass&gt;-output.txt, so a CI failure can be read without the machine.
 */
public final class DumpLogsOnFailure implements TestWatcher, LifecycleMethodExecutionExceptionHandler {
    private static final int LINES = 80;
    private static final java.util.Map<String, List<Path>> EXTRA = new java.util.concurrent.ConcurrentHashMap<>();

    /** Also dump this file (a log a daemon writes inside its own work dir) when a test of that class fails. */
    public static void alsoDump(Class<?> testClass, Path log) {
        EXTRA.computeIfAbsent(testClass.getSimpleName(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(log);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        dump(context, context.getDisplayName() + ": " + cause);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        dump(context, "class setup: " + t);
        throw t;
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        dump(context, "test setup: " + t);
        throw t;
    }

    private static void dump(ExtensionContext context, String why) {
        String test = context.getRequiredTestClass().getSimpleName();
        Path dir = ItEnv.logDir(test);
        StringBuilder out = new StringBuilder();
        out.append("\n########## ").append(test).append(" failed (").append(why).append(")\n");
        out.append("########## logs in ").append(dir).append('\n');
        List<Path> logs;
        try (Stream<Path> s = Files.list(dir)) {
            logs = s.filter(p -> p.toString().endsWith(".log")).sorted().toList();
        } catch (IOException e) {
            logs = List.of();
        }
        logs = new java.util.ArrayList<>(logs);
        logs.addAll(EXTRA.getOrDefault(test, List.of()));
        for (Path log : logs) {
            out.append("---------- tail of ").append(log.startsWith(dir) ? log.getFileName() : log).append('\n');
            out.append(NodeProcess.tail(log, LINES)).append('\n');
        }
        System.out.println(out);
    }
}
