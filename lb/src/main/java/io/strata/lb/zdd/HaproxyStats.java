package io.strata.lb.zdd;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** HAProxy's stats CSV ({@code /haproxy?stats;csv}): one row per frontend, backend and server. */
public final class HaproxyStats {
    /** The columns zdd needs. */
    public record Row(String pxname, String svname, String status, int scur, int qcur) {
        public boolean isServer() {
            return !svname.equals("FRONTEND") && !svname.equals("BACKEND");
        }

        /** Disabled (a draining blue/green task) with no session left. */
        public boolean drained() {
            return status.startsWith("MAINT") && scur == 0 && qcur == 0;
        }
    }

    private HaproxyStats() {}

    public static List<Row> parse(String csv) {
        List<Row> rows = new ArrayList<>();
        Map<String, Integer> col = new HashMap<>();
        for (String line : csv.split("\n")) {
            if (line.isBlank()) continue;
            if (line.startsWith("#")) {
                String[] names = line.substring(1).strip().split(",");
                for (int i = 0; i < names.length; i++) col.put(names[i].strip(), i);
                continue;
            }
            String[] f = line.split(",", -1);
            rows.add(new Row(get(f, col, "pxname"), get(f, col, "svname"), get(f, col, "status"),
                    num(get(f, col, "scur")), num(get(f, col, "qcur"))));
        }
        return rows;
    }

    private static String get(String[] f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        return i == null || i >= f.length ? "" : f[i];
    }

    private static int num(String s) {
        try {
            return s.isEmpty() ? 0 : Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
