package io.strata.node;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.filter.ThresholdFilter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import io.strata.common.logging.LogFile;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adjusts the logback setup from common's logback.xml (logfmt on stderr, root level from STRATA_LOG_LEVEL):
 * {@code --log-level} overrides the root level, and {@code local} also writes everything to a file.
 */
public final class Logging {
    static final String DEFAULT_PATTERN = "ts=%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} level=%level logger=%logger{0} %msg%n%ex";

    private Logging() {}

    /** Accepts logback's level names and glog's (Mesos' --logging_level: INFO, WARNING, ERROR). */
    public static Level parseLevel(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT);
        return switch (t) {
            case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF" -> Level.toLevel(t);
            case "WARNING" -> Level.WARN;
            default -> throw new IllegalArgumentException("'" + text + "' is not a log level; use one of "
                    + "trace, debug, info, warn, error, off");
        };
    }

    /**
     * Silences library warnings that say nothing to a Strata operator: the embedded ZooKeeper's connection-limit
     * notice, and the ZooKeeper client's stack trace on every reconnect attempt (Strata logs the connection's state
     * itself, and says so in one line when ZooKeeper cannot be reached at start).
     */
    public static void quietKnownNoise() {
        LoggerContext ctx = context();
        if (ctx == null) return;
        for (String noisy : new String[] {"org.apache.zookeeper.server.ServerCnxnFactory", "org.apache.zookeeper.ClientCnxn",
                "org.apache.curator.retry.ExponentialBackoffRetry"}) {
            ctx.getLogger(noisy).setLevel(Level.ERROR);
        }
    }

    /** Sets the root level; null keeps the one logback.xml chose (STRATA_LOG_LEVEL or INFO). */
    public static void setLevel(Level level) {
        if (level != null && context() != null) root().setLevel(level);
    }

    /** The root level in effect. */
    public static Level level() {
        return context() == null ? Level.INFO : root().getEffectiveLevel();
    }

    /**
     * Sends every log line to {@code file} too, and on stderr only those at {@code stderrThreshold} or above
     * (so the console shows progress and warnings while the file has the whole story).
     */
    public static void alsoToFile(Path file, Level stderrThreshold) {
        LoggerContext ctx = context();
        if (ctx == null) return;
        ch.qos.logback.classic.Logger root = root();
        String pattern = DEFAULT_PATTERN;
        Appender<ILoggingEvent> stderr = root.getAppender("STDERR");
        if (stderr instanceof ConsoleAppender<ILoggingEvent> console
                && console.getEncoder() instanceof PatternLayoutEncoder enc && enc.getPattern() != null) {
            pattern = enc.getPattern();
        }
        if (stderr != null && stderrThreshold != null) {
            ThresholdFilter threshold = new ThresholdFilter();
            threshold.setLevel(stderrThreshold.toString());
            threshold.setContext(ctx);
            threshold.start();
            stderr.addFilter(threshold);
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(ctx);
        encoder.setPattern(pattern);
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(ctx);
        appender.setName("FILE");
        appender.setFile(file.toString());
        appender.setAppend(true);
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        LogFile.set(file);
    }

    private static LoggerContext context() {
        return LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx ? ctx : null;
    }

    private static ch.qos.logback.classic.Logger root() {
        return context().getLogger(Logger.ROOT_LOGGER_NAME);
    }
}
