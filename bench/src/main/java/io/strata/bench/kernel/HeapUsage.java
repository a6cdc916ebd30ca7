package io.strata.bench.kernel;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * This JVM's memory after full collections: heap used and committed (MemoryMXBean), direct buffers (Jetty
 * keeps its I/O buffers there), resident set size, live threads.
 */
record HeapUsage(long heapUsed, long heapCommitted, long heapMax, long directUsed, long rssBytes, int threads) {

    static HeapUsage afterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        long direct = 0;
        for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) direct = pool.getMemoryUsed();
        }
        return new HeapUsage(heap.getUsed(), heap.getCommitted(), Runtime.getRuntime().maxMemory(), direct, rss(),
                ManagementFactory.getThreadMXBean().getThreadCount());
    }

    private static long rss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(java.util.Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024.0));
    }

    String summary() {
        return "heap used " + mb(heapUsed) + " (committed " + mb(heapCommitted) + ", -Xmx " + mb(heapMax) + "), direct buffers "
                + mb(directUsed) + ", RSS " + mb(rssBytes) + ", " + threads + " platform threads";
    }

    static String collectors() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
                .collect(Collectors.joining(", "));
    }

    /**
     * The top of {@code jcmd <this pid> GC.class_histogram} (which itself runs a full GC first), or a line saying
     * why not. jcmd comes from the running JDK.
     */
    static List<String> classHistogram(int top) {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        List<String> out = new ArrayList<>();
        if (!Files.isExecutable(jcmd)) {
            out.add("(no jcmd in " + jcmd.getParent() + ")");
            return out;
        }
        Path file = null;
        try {
            // Into a file, not a pipe: the histogram is written at a safepoint, when no thread of ours can drain a pipe.
            file = Files.createTempFile("strata-bench-histogram-", ".txt");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()), "GC.class_histogram")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                out.add("(jcmd did not finish within 120 s)");
                return out;
            }
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            boolean inTable = false;
            for (String line : lines) {
                if (line.trim().startsWith("num")) {
                    out.add(line);
                    continue;
                }
                if (line.startsWith("----")) {
                    inTable = true;
                    continue;
                }
                if (inTable && out.size() <= top) out.add(line);
                if (line.trim().startsWith("Total")) out.add(line);
            }
            if (out.isEmpty()) out.add("(jcmd printed no histogram: " + String.join(" / ", lines) + ")");
        } catch (IOException e) {
            out.add("(jcmd failed: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // a temp file left behind
                }
            }
        }
        return out;
    }
}
