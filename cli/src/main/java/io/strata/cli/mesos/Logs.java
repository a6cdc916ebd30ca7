package io.strata.cli.mesos;

import io.strata.cli.Cli;
import io.strata.cli.CliException;
import java.util.ArrayList;
import java.util.List;

/** Prints the end of one or more log files and, with --follow, what they gain, labelled when there are several. */
final class Logs {
    /** How often a followed file is read again. */
    static final long FOLLOW_INTERVAL_MS = 500;

    /** A file to print: {@code label} heads its output when there are several; {@code missing} is the error when absent. */
    record Source(String label, FileTail tail, String missing) {}

    private Logs() {}

    static int print(Cli cli, List<Source> sources, int lines, boolean follow) throws InterruptedException {
        if (lines < 0) throw new CliException("--lines must not be negative, got " + lines);
        boolean labelled = sources.size() > 1;
        List<Source> found = new ArrayList<>();
        String lastMissing = null;
        for (Source s : sources) {
            List<String> last = s.tail().last(lines);
            if (last == null) {
                lastMissing = s.missing();
                if (labelled) cli.err.println("Warning: " + s.missing());
                continue;
            }
            found.add(s);
            if (labelled) cli.out.println("===> " + s.label() + " <===");
            for (String l : last) cli.out.println(l);
        }
        cli.out.flush();
        if (found.isEmpty()) throw new CliException(lastMissing);
        if (!follow) return 0;
        Source current = found.get(found.size() - 1);
        while (!Thread.currentThread().isInterrupted()) {
            boolean any = false;
            for (Source s : found) {
                String more = s.tail().more();
                if (more.isEmpty()) continue;
                any = true;
                if (labelled && s != current) cli.out.println("===> " + s.label() + " <===");
                current = s;
                cli.out.print(more);
                cli.out.flush();
            }
            if (!any) Thread.sleep(FOLLOW_INTERVAL_MS);
        }
        return 0;
    }
}
