package io.strata.common.files;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Mesos' files API, on the agent (sandboxes, {@code /slave/log}) and the master ({@code /master/log}): {@code /files/browse}, {@code /files/read}, {@code /files/download} and
 * {@code /files/debug}. Only attached directories can be reached: the agent's sandboxes root
 * ({@code <workDir>/slaves}, under its real path) and, as virtual paths, each executor's
 * {@code /frameworks/<fw>/executors/<e>/runs/latest}. A requested path is matched against the longest attached
 * prefix, then resolved with symlinks followed, and must stay inside the attached directory; anything else is
 * 400 (escapes) or 404 (does not exist).
 */
public final class FilesApi {
    /** Mesos caps one read at 16 pages. */
    public static final int MAX_READ = 16 * 4096;

    /** The outcome of a request: an HTTP status and a body (JSON for 200, plain text otherwise). */
    public record Result(int status, String body, Path file) {
        static Result ok(String json) {
            return new Result(200, json, null);
        }

        static Result error(int status, String text) {
            return new Result(status, text, null);
        }
    }

    private final Supplier<Map<String, Path>> attachments;

    /** @param attachments virtual path → directory, computed per request (sandboxes come and go) */
    public FilesApi(Supplier<Map<String, Path>> attachments) {
        this.attachments = attachments;
    }

    /** Builds the attachment map for an agent: its sandboxes root plus per-executor virtual paths. */
    public static Map<String, Path> attach(Path slavesDir, Map<String, Path> virtualPaths) {
        Map<String, Path> out = new LinkedHashMap<>();
        Path real = realOrAbsolute(slavesDir);
        out.put(real.toString(), real);
        if (!real.equals(slavesDir.toAbsolutePath().normalize())) out.put(slavesDir.toAbsolutePath().normalize().toString(), real);
        for (var e : virtualPaths.entrySet()) out.put(e.getKey(), realOrAbsolute(e.getValue()));
        return out;
    }

    private static Path realOrAbsolute(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Where a requested path leads: the real file, 404 when missing, 400 when it would leave its attachment. */
    sealed interface Resolved permits Found, NotFound, Invalid {}

    record Found(Path path) implements Resolved {}

    record NotFound() implements Resolved {}

    record Invalid(String message) implements Resolved {}

    Resolved resolve(String requested) {
        if (requested == null || requested.isEmpty()) return new Invalid("Expecting 'path=value' in query.");
        if (requested.indexOf('\0') >= 0) return new Invalid("Path contains a NUL character");
        String path = requested;
        while (path.length() > 1 && path.endsWith("/")) path = path.substring(0, path.length() - 1);
        Map<String, Path> roots = attachments.get();
        List<String> tokens = new ArrayList<>(List.of(path.split("/", -1)));
        String suffix = "";
        while (!tokens.isEmpty()) {
            String prefix = String.join("/", tokens);
            Path root = roots.get(prefix.isEmpty() ? "/" : prefix);
            if (root == null) {
                String last = tokens.remove(tokens.size() - 1);
                suffix = suffix.isEmpty() ? last : last + "/" + suffix;
                continue;
            }
            if (!Files.isDirectory(root)) {
                if (!suffix.isEmpty()) return new NotFound();
                return Files.exists(root) ? new Found(root) : new NotFound();
            }
            Path joined = suffix.isEmpty() ? root : root.resolve(suffix);
            Path real;
            try {
                real = joined.toRealPath();
            } catch (NoSuchFileException e) {
                // a missing path that would also be outside is still an escape attempt
                return joined.normalize().startsWith(root) ? new NotFound() : new Invalid("'" + requested + "' is inaccessible");
            } catch (IOException e) {
                return new NotFound();
            }
            if (!real.startsWith(root)) return new Invalid("'" + requested + "' is inaccessible");
            return new Found(real);
        }
        return new NotFound();
    }

    public Result browse(String requested) {
        Resolved r = resolve(requested);
        if (r instanceof Invalid i) return Result.error(400, i.message() + ".\n");
        if (r instanceof NotFound) return Result.error(404, "");
        Path dir = ((Found) r).path();
        ArrayNode listing = Json.MAPPER.createArrayNode();
        String base = requested;
        while (base.length() > 1 && base.endsWith("/")) base = base.substring(0, base.length() - 1);
        if (Files.isDirectory(dir)) {
            TreeMap<String, ObjectNode> sorted = new TreeMap<>();
            try (var entries = Files.list(dir)) {
                for (Path p : entries.toList()) {
                    ObjectNode info = fileInfo(p, (base.equals("/") ? "" : base) + "/" + p.getFileName());
                    if (info != null) sorted.put(p.getFileName().toString(), info);
                }
            } catch (IOException e) {
                return Result.error(500, "Failed to list '" + requested + "'.\n");
            }
            sorted.values().forEach(listing::add);
        }
        return Result.ok(listing.toString());
    }

    public Result read(String requested, String offsetParam, String lengthParam) {
        long offset = -1;
        if (offsetParam != null) {
            try {
                offset = Long.parseLong(offsetParam);
            } catch (NumberFormatException e) {
                return Result.error(400, "Failed to parse offset: '" + offsetParam + "'.\n");
            }
            if (offset < -1) return Result.error(400, "Negative offset provided: " + offset + ".\n");
        }
        Long length = null;
        if (lengthParam != null) {
            long l;
            try {
                l = Long.parseLong(lengthParam);
            } catch (NumberFormatException e) {
                return Result.error(400, "Failed to parse length: '" + lengthParam + "'.\n");
            }
            if (l < -1) return Result.error(400, "Negative length provided: " + l + ".\n");
            if (l != -1) length = l; // -1 means "to the end", as the web UI's pailer asks
        }
        Resolved r = resolve(requested);
        if (r instanceof Invalid i) return Result.error(400, i.message() + ".\n");
        if (r instanceof NotFound) return Result.error(404, "");
        Path file = ((Found) r).path();
        if (Files.isDirectory(file)) return Result.error(400, "Cannot read a directory.\n");
        boolean sizeOnly = offset == -1;
        long from = sizeOnly ? 0 : offset;
        if (sizeOnly) length = 0L;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long size = raf.length();
            ObjectNode out = Json.object();
            if (from >= size || (length != null && length == 0)) {
                out.put("data", "");
                out.put("offset", sizeOnly ? size : from);
                return Result.ok(out.toString());
            }
            long want = Math.min(length == null ? size - from : length, MAX_READ);
            byte[] buf = new byte[(int) Math.min(want, size - from)];
            raf.seek(from);
            raf.readFully(buf);
            out.put("data", new String(buf, StandardCharsets.UTF_8));
            out.put("offset", from);
            return Result.ok(out.toString());
        } catch (IOException e) {
            return Result.error(500, "Failed to read '" + requested + "'.\n");
        }
    }

    /** {@code /files/download}: the file itself. */
    public Result download(String requested) {
        Resolved r = resolve(requested);
        if (r instanceof Invalid i) return Result.error(400, i.message() + ".\n");
        if (r instanceof NotFound) return Result.error(404, "");
        Path file = ((Found) r).path();
        if (Files.isDirectory(file)) return Result.error(400, "Cannot download a directory.\n");
        return new Result(200, null, file);
    }

    public String debug() {
        ObjectNode o = Json.object();
        for (var e : attachments.get().entrySet()) o.put(e.getKey(), e.getValue().toString());
        return o.toString();
    }

    private static ObjectNode fileInfo(Path p, String virtualPath) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class);
            ObjectNode o = Json.object();
            o.put("path", virtualPath);
            Object nlink = Files.getAttribute(p, "unix:nlink");
            o.put("nlink", nlink instanceof Number n ? n.longValue() : 1);
            o.put("size", a.size());
            o.put("mtime", a.lastModifiedTime().toMillis() / 1000);
            o.put("mode", mode(a));
            o.put("uid", a.owner().getName());
            o.put("gid", a.group().getName());
            return o;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }

    static String mode(PosixFileAttributes a) {
        char type = a.isDirectory() ? 'd' : a.isSymbolicLink() ? 'l' : a.isRegularFile() ? '-' : a.isOther() ? 'p' : '-';
        Set<PosixFilePermission> p = a.permissions();
        return "" + type
                + (p.contains(PosixFilePermission.OWNER_READ) ? 'r' : '-')
                + (p.contains(PosixFilePermission.OWNER_WRITE) ? 'w' : '-')
                + (p.contains(PosixFilePermission.OWNER_EXECUTE) ? 'x' : '-')
                + (p.contains(PosixFilePermission.GROUP_READ) ? 'r' : '-')
                + (p.contains(PosixFilePermission.GROUP_WRITE) ? 'w' : '-')
                + (p.contains(PosixFilePermission.GROUP_EXECUTE) ? 'x' : '-')
                + (p.contains(PosixFilePermission.OTHERS_READ) ? 'r' : '-')
                + (p.contains(PosixFilePermission.OTHERS_WRITE) ? 'w' : '-')
                + (p.contains(PosixFilePermission.OTHERS_EXECUTE) ? 'x' : '-');
    }

    /**
     * Registers {@code /files/browse}, {@code /files/read}, {@code /files/download} and {@code /files/debug} (each
     * also with {@code .json}) on a daemon's server. JSON answers honour {@code ?jsonp=callback} as Mesos does.
     */
    public void register(io.javalin.Javalin app) {
        for (String suffix : new String[] {"", ".json"}) {
            app.get("/files/browse" + suffix, ctx -> result(ctx, browse(ctx.queryParam("path"))));
            app.get("/files/read" + suffix, ctx -> result(ctx, read(ctx.queryParam("path"), ctx.queryParam("offset"),
                    ctx.queryParam("length"))));
            app.get("/files/download" + suffix, this::download);
            app.get("/files/debug" + suffix, ctx -> json(ctx, debug()));
        }
    }

    private void download(io.javalin.http.Context ctx) throws IOException {
        Result r = download(ctx.queryParam("path"));
        if (r.file() == null) {
            result(ctx, r);
            return;
        }
        ctx.status(200).contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + r.file().getFileName().toString().replace("\"", "") + "\"");
        ctx.result(Files.newInputStream(r.file()));
    }

    private static void result(io.javalin.http.Context ctx, Result r) {
        if (r.status() == 200) {
            json(ctx, r.body());
        } else {
            ctx.status(r.status()).contentType("text/plain; charset=utf-8").result(r.body() == null ? "" : r.body());
        }
    }

    /** A JSON answer, or JSONP when {@code ?jsonp=callback} names a plain JavaScript identifier. */
    public static void json(io.javalin.http.Context ctx, String body) {
        String jsonp = ctx.queryParam("jsonp");
        if (jsonp != null && jsonp.matches("[A-Za-z_$][A-Za-z0-9_$.]{0,100}")) {
            ctx.status(200).contentType("text/javascript").result(jsonp + "(" + body + ");");
            return;
        }
        ctx.status(200).contentType("application/json").result(body);
    }
}
