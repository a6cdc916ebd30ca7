package io.strata.cli.config;

import io.strata.cli.CliException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CLI's configuration: {@code dcos.toml} in {@code $DCOS_DIR} ({@code ~/.dcos}), or the file named by
 * {@code $DCOS_CONFIG}. Environment variables win over the file: {@code DCOS_URL} (or {@code DCOS_DCOS_URL})
 * for {@code core.dcos_url}, {@code DCOS_<KEY>} for other {@code core.*} keys and {@code DCOS_<SECTION>_<KEY>}
 * for the rest. Without anything set, {@code core.dcos_url} is the local cluster's gateway.
 */
public final class DcosConfig {
    public static final String DEFAULT_DCOS_URL = "http://127.0.0.1:8000";

    /** The types of the properties the CLI knows; other {@code section.key} names are kept as given. */
    public enum Type { STRING, URL, INTEGER, BOOLEAN, STRING_LIST }

    public static final Map<String, Type> KNOWN;

    static {
        Map<String, Type> k = new TreeMap<>();
        k.put("core.dcos_url", Type.URL);
        k.put("core.mesos_master_url", Type.URL);
        k.put("core.dcos_acs_token", Type.STRING);
        k.put("core.ssl_verify", Type.STRING);
        k.put("core.timeout", Type.INTEGER);
        k.put("core.reporting", Type.BOOLEAN);
        k.put("core.pagination", Type.BOOLEAN);
        k.put("core.email", Type.STRING);
        k.put("core.prompt_login", Type.BOOLEAN);
        k.put("cluster.name", Type.STRING);
        k.put("marathon.url", Type.URL);
        k.put("package.sources", Type.STRING_LIST);
        k.put("package.cache", Type.STRING);
        k.put("package.cosmos_url", Type.URL);
        k.put("job.url", Type.URL);
        KNOWN = Map.copyOf(k);
    }

    private final Path file;
    private final Map<String, String> env;
    private final Map<String, Object> values;

    private DcosConfig(Path file, Map<String, String> env, Map<String, Object> values) {
        this.file = file;
        this.env = env;
        this.values = values;
    }

    /** Where the configuration lives for this environment. */
    public static Path location(Map<String, String> env, Path home) {
        String explicit = env.get("DCOS_CONFIG");
        if (explicit != null && !explicit.isBlank()) return Path.of(explicit);
        String dir = env.get("DCOS_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : home.resolve(".dcos");
        return base.resolve("dcos.toml");
    }

    public static DcosConfig load(Map<String, String> env, Path home) {
        Path file = location(env, home);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return new DcosConfig(file, env, new LinkedHashMap<>());
        } catch (IOException e) {
            throw new CliException("Cannot read the configuration file " + file + ": " + e.getMessage());
        }
        try {
            return new DcosConfig(file, env, new LinkedHashMap<>(Toml.parse(text)));
        } catch (Toml.ParseException e) {
            throw new CliException("The configuration file " + file + " is not valid TOML (" + e.getMessage()
                    + "); fix or delete it");
        }
    }

    public Path file() {
        return file;
    }

    /** The values stored in the file, by name. */
    public Map<String, Object> stored() {
        return new TreeMap<>(values);
    }

    /** The effective value: the environment, then the file, then the default. Null if none. */
    public Object get(String name) {
        String fromEnv = env.get(envName(name));
        if (fromEnv == null && name.equals("core.dcos_url")) fromEnv = env.get("DCOS_URL");
        if (fromEnv != null && !fromEnv.isEmpty()) return fromEnv;
        Object v = values.get(name);
        if (v == null && name.equals("core.dcos_url")) return DEFAULT_DCOS_URL;
        return v;
    }

    public String string(String name) {
        Object v = get(name);
        return v == null ? null : v instanceof List<?> l ? String.join(",", l.stream().map(String::valueOf).toList()) : v.toString();
    }

    /** The variable that overrides a property: {@code core.timeout} → {@code DCOS_TIMEOUT}, {@code marathon.url} → {@code DCOS_MARATHON_URL}. */
    public static String envName(String name) {
        String n = name.startsWith("core.") ? name.substring(5) : name;
        return "DCOS_" + n.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public String dcosUrl() {
        return trimSlash(string("core.dcos_url"));
    }

    /** {@code core.timeout} in seconds, or {@code fallback}. */
    public int timeoutSeconds(int fallback) {
        Object v = get("core.timeout");
        if (v == null) return fallback;
        try {
            return Integer.parseInt(v.toString().strip());
        } catch (NumberFormatException e) {
            throw new CliException("core.timeout must be a number of seconds, got '" + v + "'; fix it with: dcos config set core.timeout 30");
        }
    }

    /** Sets a property from the text a user typed; returns the previous value (null if none). */
    public Object set(String name, String text) {
        checkName(name);
        Object value = convert(name, text);
        return values.put(name, value);
    }

    public Object unset(String name) {
        checkName(name);
        Object old = values.remove(name);
        if (old == null) throw new CliException("Property '" + name + "' doesn't exist");
        return old;
    }

    /** Adds a value at the start or the end of a list property ({@code package.sources}). */
    public List<Object> addToList(String name, String text, boolean atStart) {
        checkName(name);
        Type t = KNOWN.get(name);
        Object current = values.get(name);
        if (t != null && t != Type.STRING_LIST || t == null && current != null && !(current instanceof List)) {
            throw new CliException("Property '" + name + "' is not a list; use: dcos config set " + name + " <value>");
        }
        List<Object> list = new ArrayList<>();
        if (current instanceof List<?> l) list.addAll(l);
        if (list.contains(text)) throw new CliException("'" + text + "' is already in " + name);
        if (atStart) list.add(0, text);
        else list.add(text);
        values.put(name, list);
        return list;
    }

    /** Problems with the stored values, one line each (empty: valid). */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> e : new TreeMap<>(values).entrySet()) {
            Type t = KNOWN.get(e.getKey());
            if (t == null) continue;
            try {
                convert(e.getKey(), e.getValue() instanceof List<?> l ? listText(l) : e.getValue().toString());
                if (t == Type.STRING_LIST && !(e.getValue() instanceof List)) throw new CliException("must be a list of strings");
                if ((t == Type.INTEGER) && !(e.getValue() instanceof Long)) throw new CliException("must be an integer");
                if ((t == Type.BOOLEAN) && !(e.getValue() instanceof Boolean)) throw new CliException("must be true or false");
            } catch (CliException ex) {
                problems.add(e.getKey() + ": " + ex.getMessage());
            }
        }
        return problems;
    }

    private static String listText(List<?> l) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < l.size(); i++) {
            if (i > 0) b.append(',');
            b.append(Toml.quote(String.valueOf(l.get(i))));
        }
        return b.append(']').toString();
    }

    public void save() {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, ".dcos", ".toml");
            try {
                Files.writeString(tmp, Toml.write(values), StandardCharsets.UTF_8);
                try {
                    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // not a POSIX file system
                }
                try {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new CliException("Cannot write the configuration file " + file + ": " + e.getMessage());
        }
    }

    private static void checkName(String name) {
        if (!name.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)+")) {
            throw new CliException("Property '" + name + "' doesn't fit the format 'section.property' (e.g. core.dcos_url)");
        }
    }

    /** The typed value for a property, from what the user typed. */
    static Object convert(String name, String text) {
        Type t = KNOWN.get(name);
        if (t == null) return guess(text);
        return switch (t) {
            case STRING -> text;
            case URL -> {
                String u = trimSlash(text.strip());
                if (!u.matches("(?i)https?://[^\\s/]+.*")) {
                    throw new CliException("'" + text + "' is not a URL for " + name + "; expected http://host[:port] or https://...");
                }
                yield u;
            }
            case INTEGER -> {
                try {
                    yield Long.parseLong(text.strip());
                } catch (NumberFormatException e) {
                    throw new CliException("'" + text + "' is not an integer; " + name + " takes a whole number");
                }
            }
            case BOOLEAN -> switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> Boolean.TRUE;
                case "false", "no", "0" -> Boolean.FALSE;
                default -> throw new CliException("'" + text + "' is not true or false; " + name + " is a boolean");
            };
            case STRING_LIST -> {
                Object parsed = text.strip().startsWith("[") ? parseList(text) : List.of(text);
                yield parsed;
            }
        };
    }

    private static Object parseList(String text) {
        try {
            Object v = Toml.parse("v = " + text).get("v");
            if (v instanceof List<?> l && l.stream().allMatch(x -> x instanceof String)) return v;
        } catch (Toml.ParseException e) {
            // reported below
        }
        throw new CliException("'" + text + "' is not a list of strings; use [\"a\", \"b\"] or add one at a time with: dcos config append");
    }

    /** Unknown properties: booleans and numbers are typed, anything else is a string. */
    private static Object guess(String text) {
        String t = text.strip();
        if (t.equals("true") || t.equals("false")) return Boolean.valueOf(t);
        if (t.matches("-?\\d{1,18}")) return Long.parseLong(t);
        if (t.startsWith("[")) {
            try {
                Object v = Toml.parse("v = " + t).get("v");
                if (v instanceof List) return v;
            } catch (Toml.ParseException e) {
                // a string that starts with '['
            }
        }
        return text;
    }

    static String trimSlash(String s) {
        String u = s;
        while (u.endsWith("/")) u = u.substring(0, u.length() - 1);
        return u;
    }

    /** How {@code dcos config show} prints a value. */
    public static String display(Object v) {
        if (v instanceof List<?> l) return listText(l).replace(",", ", ");
        return String.valueOf(v);
    }
}
