package io.strata.cli.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The part of TOML that {@code dcos.toml} uses: tables ({@code [core]}, {@code [a.b]}), bare, quoted and dotted
 * keys, basic and literal strings, integers, floats, booleans and (nested, multi-line) arrays, and comments.
 * Documents are read into a flat map from dotted names ({@code core.dcos_url}) to String, Long, Double,
 * Boolean or List values, and written back grouped by table. Anything else (inline tables, dates, multi-line
 * strings) is reported with its line number rather than guessed at.
 */
public final class Toml {
    private Toml() {}

    /** A document that is not TOML we understand: the message names the line. */
    public static final class ParseException extends Exception {
        public ParseException(int line, String message) {
            super("line " + line + ": " + message, null, false, false);
        }
    }

    public static Map<String, Object> parse(String text) throws ParseException {
        return new Reader(text).document();
    }

    private static final class Reader {
        private final String s;
        private int pos;
        private int line = 1;
        private final Map<String, Object> out = new LinkedHashMap<>();

        Reader(String s) {
            this.s = s.startsWith("\uFEFF") ? s.substring(1) : s;
        }

        Map<String, Object> document() throws ParseException {
            String table = "";
            while (true) {
                skipBlankLines();
                if (pos >= s.length()) return out;
                char c = s.charAt(pos);
                if (c == '[') {
                    pos++;
                    if (peek() == '[') throw error("arrays of tables ([[...]]) are not supported");
                    skipSpaces();
                    table = String.join(".", key());
                    skipSpaces();
                    expect(']');
                    endOfLine();
                } else {
                    List<String> key = key();
                    skipSpaces();
                    expect('=');
                    skipSpaces();
                    Object value = value();
                    String name = (table.isEmpty() ? "" : table + ".") + String.join(".", key);
                    if (out.containsKey(name)) throw error("'" + name + "' is defined twice");
                    out.put(name, value);
                    endOfLine();
                }
            }
        }

        private List<String> key() throws ParseException {
            List<String> parts = new ArrayList<>();
            while (true) {
                skipSpaces();
                char c = peek();
                if (c == '"') parts.add(basicString());
                else if (c == '\'') parts.add(literalString());
                else {
                    int start = pos;
                    while (pos < s.length() && isBareKeyChar(s.charAt(pos))) pos++;
                    if (start == pos) throw error("expected a key");
                    parts.add(s.substring(start, pos));
                }
                skipSpaces();
                if (peek() != '.') return parts;
                pos++;
            }
        }

        private static boolean isBareKeyChar(char c) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-';
        }

        private Object value() throws ParseException {
            char c = peek();
            if (c == '"') {
                if (s.startsWith("\"\"\"", pos)) throw error("multi-line strings are not supported");
                return basicString();
            }
            if (c == '\'') {
                if (s.startsWith("'''", pos)) throw error("multi-line strings are not supported");
                return literalString();
            }
            if (c == '[') return array();
            if (c == '{') throw error("inline tables are not supported");
            if (s.startsWith("true", pos) && !isBareKeyChar(charAt(pos + 4))) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (s.startsWith("false", pos) && !isBareKeyChar(charAt(pos + 5))) {
                pos += 5;
                return Boolean.FALSE;
            }
            int start = pos;
            while (pos < s.length() && "+-0123456789_.eExXoObBabcdefABCDEFinf".indexOf(s.charAt(pos)) >= 0) pos++;
            String token = s.substring(start, pos);
            if (token.isEmpty()) throw error("expected a value");
            return number(token);
        }

        private Object number(String token) throws ParseException {
            String t = token.replace("_", "");
            try {
                if (t.startsWith("0x")) return Long.parseLong(t.substring(2), 16);
                if (t.startsWith("0o")) return Long.parseLong(t.substring(2), 8);
                if (t.startsWith("0b")) return Long.parseLong(t.substring(2), 2);
                if (t.matches("[+-]?inf")) return t.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                if (t.matches("[+-]?\\d+")) return Long.parseLong(t);
                if (t.matches("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?")) return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                // falls through to the error below
            }
            throw error("'" + token + "' is not a value this reader understands (dates are not supported)");
        }

        private List<Object> array() throws ParseException {
            expect('[');
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpaceCommentsAndNewlines();
                if (peek() == ']') {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpaceCommentsAndNewlines();
                char c = peek();
                if (c == ',') {
                    pos++;
                } else if (c == ']') {
                    pos++;
                    return items;
                } else {
                    throw error("expected ',' or ']' in an array");
                }
            }
        }

        private String basicString() throws ParseException {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                if (pos >= s.length() || s.charAt(pos) == '\n') throw error("unterminated string");
                char c = s.charAt(pos++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (pos >= s.length()) throw error("unterminated string");
                char e = s.charAt(pos++);
                switch (e) {
                    case '"' -> b.append('"');
                    case '\\' -> b.append('\\');
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    case 'r' -> b.append('\r');
                    case 'b' -> b.append('\b');
                    case 'f' -> b.append('\f');
                    case 'u' -> b.appendCodePoint(hex(4));
                    case 'U' -> b.appendCodePoint(hex(8));
                    default -> throw error("unknown escape '\\" + e + "'");
                }
            }
        }

        private int hex(int digits) throws ParseException {
            if (pos + digits > s.length()) throw error("truncated \\u escape");
            try {
                int cp = Integer.parseInt(s.substring(pos, pos + digits), 16);
                pos += digits;
                return cp;
            } catch (NumberFormatException e) {
                throw error("bad \\u escape");
            }
        }

        private String literalString() throws ParseException {
            expect('\'');
            int end = s.indexOf('\'', pos);
            int nl = s.indexOf('\n', pos);
            if (end < 0 || (nl >= 0 && nl < end)) throw error("unterminated string");
            String v = s.substring(pos, end);
            pos = end + 1;
            return v;
        }

        private void endOfLine() throws ParseException {
            skipSpaces();
            if (pos < s.length() && s.charAt(pos) == '#') skipComment();
            if (pos >= s.length()) return;
            if (s.charAt(pos) == '\r') pos++;
            if (pos < s.length() && s.charAt(pos) != '\n') throw error("unexpected '" + s.charAt(pos) + "' after a value");
            if (pos < s.length()) {
                pos++;
                line++;
            }
        }

        private void skipBlankLines() {
            while (pos < s.length()) {
                char c = s.charAt(pos);
                if (c == ' ' || c == '\t' || c == '\r') pos++;
                else if (c == '\n') {
                    pos++;
                    line++;
                } else if (c == '#') skipComment();
                else return;
            }
        }

        private void skipSpaceCommentsAndNewlines() {
            skipBlankLines();
        }

        private void skipComment() {
            while (pos < s.length() && s.charAt(pos) != '\n') pos++;
        }

        private void skipSpaces() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) pos++;
        }

        private char peek() {
            return charAt(pos);
        }

        private char charAt(int i) {
            return i < s.length() ? s.charAt(i) : '\0';
        }

        private void expect(char c) throws ParseException {
            if (peek() != c) throw error("expected '" + c + "'");
            pos++;
        }

        private ParseException error(String message) {
            return new ParseException(line, message);
        }
    }

    /** Writes a flat map back as TOML: top-level keys first, then one table per section, all sorted. */
    public static String write(Map<String, Object> values) {
        Map<String, Map<String, Object>> tables = new TreeMap<>();
        for (Map.Entry<String, Object> e : values.entrySet()) {
            int dot = e.getKey().lastIndexOf('.');
            String table = dot < 0 ? "" : e.getKey().substring(0, dot);
            String key = dot < 0 ? e.getKey() : e.getKey().substring(dot + 1);
            tables.computeIfAbsent(table, t -> new TreeMap<>()).put(key, e.getValue());
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<String, Map<String, Object>> t : tables.entrySet()) {
            if (!t.getKey().isEmpty()) {
                if (!b.isEmpty()) b.append('\n');
                b.append('[');
                String[] parts = t.getKey().split("\\.");
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) b.append('.');
                    b.append(key(parts[i]));
                }
                b.append("]\n");
            }
            for (Map.Entry<String, Object> kv : t.getValue().entrySet()) {
                b.append(key(kv.getKey())).append(" = ").append(value(kv.getValue())).append('\n');
            }
        }
        return b.toString();
    }

    private static String key(String k) {
        boolean bare = !k.isEmpty();
        for (int i = 0; i < k.length() && bare; i++) bare = Reader.isBareKeyChar(k.charAt(i));
        return bare ? k : quote(k);
    }

    /** A value in TOML syntax. */
    public static String value(Object v) {
        if (v instanceof String str) return quote(str);
        if (v instanceof Boolean || v instanceof Long || v instanceof Integer) return v.toString();
        if (v instanceof Double d) {
            if (d.isInfinite()) return d > 0 ? "inf" : "-inf";
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? String.format(java.util.Locale.ROOT, "%.1f", d) : d.toString();
        }
        if (v instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) b.append(", ");
                b.append(value(list.get(i)));
            }
            return b.append(']').toString();
        }
        throw new IllegalArgumentException("cannot write " + v + " as TOML");
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04X", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }
}
