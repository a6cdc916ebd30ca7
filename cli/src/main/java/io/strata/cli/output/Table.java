package io.strata.cli.output;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A table as the DC/OS CLI prints one: upper-case headers, no borders, two spaces after each column, columns
 * centred unless marked left-aligned, cells may span several lines. Trailing blanks are trimmed.
 */
public final class Table {
    public enum Align { LEFT, CENTER, RIGHT }

    private record Column(String header, Align align) {}

    private final List<Column> columns = new ArrayList<>();
    private final List<List<String>> rows = new ArrayList<>();

    public Table left(String header) {
        columns.add(new Column(header, Align.LEFT));
        return this;
    }

    public Table center(String header) {
        columns.add(new Column(header, Align.CENTER));
        return this;
    }

    public Table right(String header) {
        columns.add(new Column(header, Align.RIGHT));
        return this;
    }

    public Table row(Object... cells) {
        if (cells.length != columns.size()) throw new IllegalArgumentException("expected " + columns.size() + " cells");
        List<String> r = new ArrayList<>();
        for (Object c : cells) r.add(c == null ? "" : String.valueOf(c));
        rows.add(r);
        return this;
    }

    /** Sorts the rows by one column's text, as the DC/OS CLI sorts its tables. */
    public Table sortBy(String header) {
        int i = index(header);
        rows.sort(Comparator.comparing(r -> r.get(i)));
        return this;
    }

    public int size() {
        return rows.size();
    }

    private int index(String header) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).header().equals(header)) return i;
        }
        throw new IllegalArgumentException("no column " + header);
    }

    public String render() {
        int n = columns.size();
        int[] width = new int[n];
        for (int i = 0; i < n; i++) width[i] = columns.get(i).header().length();
        for (List<String> r : rows) {
            for (int i = 0; i < n; i++) {
                for (String line : r.get(i).split("\n", -1)) width[i] = Math.max(width[i], line.length());
            }
        }
        StringBuilder b = new StringBuilder();
        List<String> header = new ArrayList<>();
        for (Column c : columns) header.add(c.header());
        line(b, header, width);
        for (List<String> r : rows) {
            List<String[]> cells = new ArrayList<>();
            int height = 1;
            for (String cell : r) {
                String[] lines = cell.split("\n", -1);
                cells.add(lines);
                height = Math.max(height, lines.length);
            }
            for (int h = 0; h < height; h++) {
                List<String> texts = new ArrayList<>();
                for (String[] lines : cells) texts.add(h < lines.length ? lines[h] : "");
                line(b, texts, width);
            }
        }
        return b.toString();
    }

    private void line(StringBuilder b, List<String> texts, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < texts.size(); i++) {
            l.append(pad(texts.get(i), width[i], columns.get(i).align())).append("  ");
        }
        int end = l.length();
        while (end > 0 && l.charAt(end - 1) == ' ') end--;
        b.append(l, 0, end).append('\n');
    }

    private static String pad(String s, int width, Align align) {
        int excess = width - s.length();
        if (excess <= 0) return s;
        return switch (align) {
            case LEFT -> s + " ".repeat(excess);
            case RIGHT -> " ".repeat(excess) + s;
            case CENTER -> " ".repeat(excess / 2) + s + " ".repeat(excess - excess / 2);
        };
    }

    /** Cuts a cell to {@code max} characters with an ellipsis, as the DC/OS CLI does for commands. */
    public static String truncate(String s, int max) {
        if (s == null) return "";
        String one = s.replace('\n', ' ');
        return one.length() <= max ? one : one.substring(0, max - 3) + "...";
    }
}
