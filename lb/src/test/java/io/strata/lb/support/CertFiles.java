package io.strata.lb.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Self-signed certificates (certificate and key in one PEM, as HAProxy wants) made with the openssl command. */
public final class CertFiles {
    private CertFiles() {}

    /** Writes a certificate for {@code cn} to {@code pem}; false when openssl is not installed. */
    public static boolean selfSigned(Path pem, String cn) {
        try {
            Path key = pem.resolveSibling(pem.getFileName() + ".key");
            Path crt = pem.resolveSibling(pem.getFileName() + ".crt");
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=" + cn, "-keyout", key.toString(), "-out", crt.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) return false;
            Files.writeString(pem, Files.readString(crt) + Files.readString(key));
            return true;
        } catch (Exception e) {
            return false;
        }
    }
}
