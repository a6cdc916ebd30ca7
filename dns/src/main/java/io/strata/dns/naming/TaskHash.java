package io.strata.dns.naming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The five characters Mesos-DNS puts in a task's canonical name ({@code web-<hash>-s0.marathon.mesos}): the SHA-1
 * of the task id in z-base-32 (a human-oriented base 32 alphabet), first five characters. Five characters carry
 * 25 bits, enough to tell apart the instances of one application.
 */
public final class TaskHash {
    private static final char[] ZBASE32 = "ybndrfg8ejkmcpqxot1uwisza345h769".toCharArray();

    private TaskHash() {}

    public static String of(String taskId) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-1").digest(taskId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required by every JRE", e);
        }
        // 25 bits, most significant first
        long bits = ((digest[0] & 0xffL) << 24) | ((digest[1] & 0xffL) << 16) | ((digest[2] & 0xffL) << 8) | (digest[3] & 0xffL);
        char[] out = new char[5];
        for (int i = 0; i < 5; i++) out[i] = ZBASE32[(int) ((bits >>> (27 - 5 * i)) & 31)];
        return new String(out);
    }

    /** The last dash-separated part of an agent id, lower-cased: {@code <uuid>-S3} gives {@code s3}. */
    public static String agentTail(String agentId) {
        int dash = agentId.lastIndexOf('-');
        return agentId.substring(dash + 1).toLowerCase(java.util.Locale.ROOT);
    }
}
