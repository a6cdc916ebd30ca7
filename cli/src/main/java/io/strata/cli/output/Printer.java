package io.strata.cli.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;

/** Writes results to stdout: JSON (pretty, keys sorted), tables and lines. */
public final class Printer {
    private final PrintStream out;

    public Printer(PrintStream out) {
        this.out = out;
    }

    public void json(JsonNode n) {
        out.println(Jsons.pretty(n));
        out.flush();
    }

    public void table(Table t) {
        out.print(t.render());
        out.flush();
    }

    public void line(String s) {
        out.println(s);
        out.flush();
    }
}
