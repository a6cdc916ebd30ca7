package io.strata.dns.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs Debian's {@code dig} against a server on 127.0.0.1 (tests skip themselves when it is not installed). */
public final class Dig {
    private final int port;

    public Dig(int port) {
        this.port = port;
    }

    public static boolean available() {
        try {
            Process p = new ProcessBuilder("dig", "-v").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** dig's full output for {@code name type} with extra options ({@code +tcp}, {@code +noedns}, ...). */
    public String full(String name, String type, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", Integer.toString(port), "+time=3", "+tries=1", name, type));
        cmd.addAll(Arrays.asList(options));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("dig did not finish: " + cmd);
        }
        return out;
    }

    /** The answer section's data, one line per record ({@code +short}), sorted. */
    public List<String> short_(String name, String type, String... options) throws IOException, InterruptedException {
        List<String> opts = new ArrayList<>(Arrays.asList(options));
        opts.add("+short");
        String out = full(name, type, opts.toArray(String[]::new));
        return out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith(";")).sorted().toList();
    }

    /** The status dig reports: NOERROR, NXDOMAIN, REFUSED, ... */
    public static String status(String fullOutput) {
        int i = fullOutput.indexOf("status: ");
        if (i < 0) return "(no answer)";
        int end = fullOutput.indexOf(',', i);
        return fullOutput.substring(i + 8, end);
    }

    /** The count dig reports for a section: ANSWER, AUTHORITY, ADDITIONAL. */
    public static int count(String fullOutput, String section) {
        int i = fullOutput.indexOf(section + ": ");
        if (i < 0) return -1;
        int start = i + section.length() + 2;
        int end = start;
        while (end < fullOutput.length() && Character.isDigit(fullOutput.charAt(end))) end++;
        return Integer.parseInt(fullOutput.substring(start, end));
    }
}
