package io.strata.bench.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * What a figure was measured on and how to get it again. Every benchmark prints this with its results, so a
 * number pasted into docs/PERFORMANCE.md always comes with its machine and command.
 *
 * @param cpus     processors the JVM may use (nproc)
 * @param memoryMb physical memory
 * @param cpuModel /proc/cpuinfo "model name", or "unknown"
 * @param jdk      vendor and version of the running JVM
 * @param os       kernel name and release
 * @param date     UTC date of the run
 * @param loadAverage /proc/loadavg's 1, 5 and 15 minute load when the run started: other work on the machine
 *                 shows there, and a loaded machine gives slower figures
 */
record Machine(int cpus, long memoryMb, String cpuModel, String jdk, String os, String date, String loadAverage) {

    static Machine describe() {
        long memoryMb = -1;
        String model = "unknown";
        String load = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) memoryMb = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
            String[] loadavg = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            load = loadavg[0] + " " + loadavg[1] + " " + loadavg[2];
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave what we could not read as unknown
        }
        String jdk = System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version");
        String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
        return new Machine(Runtime.getRuntime().availableProcessors(), memoryMb, model, jdk, os,
                LocalDate.now(ZoneOffset.UTC).toString(), load);
    }

    String summary() {
        return "machine: " + cpus + " cpus (" + cpuModel + "), " + memoryMb + " MB RAM, " + jdk + ", " + os + ", " + date
                + "; load average at start " + loadAverage;
    }

    /**
     * The command that reproduces this run: bench/run sets STRATA_BENCH_COMMAND to its own command line; run
     * directly, it is the java command.
     */
    static String command(Class<?> main, List<String> args) {
        String fromScript = System.getenv("STRATA_BENCH_COMMAND");
        if (fromScript != null && !fromScript.isBlank()) return fromScript;
        return "java -cp bench/target/strata-bench.jar:bench/target/lib/* " + main.getName()
                + (args.isEmpty() ? "" : " " + String.join(" ", args));
    }
}
