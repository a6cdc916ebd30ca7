package io.strata.marathon.model;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;

/** Marathon's timestamps: ISO-8601 in UTC with exactly three fractional digits, e.g. 2014-03-01T23:29:30.158Z. */
public final class Timestamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    public static String format(Instant t) {
        return FORMAT.format(t);
    }

    /** Parses any ISO-8601 date-time with an offset; throws IllegalArgumentException otherwise. */
    public static Instant parse(String s) {
        try {
            return OffsetDateTime.parse(s).toInstant().truncatedTo(ChronoUnit.MILLIS);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("'" + s + "' is not an ISO-8601 timestamp", e);
        }
    }

    public static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }
}
