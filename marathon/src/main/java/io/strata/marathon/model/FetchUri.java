package io.strata.marathon.model;

/** An artifact the Mesos fetcher downloads into the sandbox before the task starts. */
public record FetchUri(String uri, boolean extract, boolean executable, boolean cache, String destPath) {
    /** Marathon extracts archives given through the deprecated {@code uris} field by their extension. */
    public static boolean isArchive(String uri) {
        String u = uri.toLowerCase();
        for (String ext : new String[] {".tgz", ".tar.gz", ".tbz2", ".tar.bz2", ".txz", ".tar.xz", ".zip"}) {
            if (u.endsWith(ext)) return true;
        }
        return false;
    }
}
