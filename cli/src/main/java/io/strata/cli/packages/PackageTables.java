package io.strata.cli.packages;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.cli.output.Jsons;
import io.strata.cli.output.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The tables and merged listings of {@code dcos package}, with the DC/OS CLI's columns. */
final class PackageTables {
    static final String NONE = "---";

    private PackageTables() {}

    /** {@code dcos package search}: in Cosmos's order (it ranks the matches). */
    static Table search(JsonNode packages) {
        Table t = new Table().left("NAME").left("VERSION").left("SELECTED").left("FRAMEWORK").left("DESCRIPTION");
        for (JsonNode p : packages) {
            String description = p.path("description").asText("");
            if (description.length() >= 77) description = description.substring(0, 77) + "...";
            t.row(p.path("name").asText(), p.path("currentVersion").asText(), bool(p.path("selected").asBoolean(false)),
                    bool(p.path("framework").asBoolean(false)), description);
        }
        return t;
    }

    /**
     * Cosmos's {@code /package/list} answer as the DC/OS CLI lists it: one entry per package and version, its
     * {@code packageDefinition} with the ids of its apps in {@code apps} (sorted).
     */
    static ArrayNode installed(JsonNode listAnswer) {
        Map<String, ObjectNode> byPackage = new LinkedHashMap<>();
        Map<String, List<String>> apps = new LinkedHashMap<>();
        for (JsonNode installation : listAnswer.path("packages")) {
            JsonNode definition = installation.path("packageInformation").path("packageDefinition");
            String key = definition.path("name").asText() + "\u0000" + definition.path("version").asText();
            byPackage.computeIfAbsent(key, k -> definition.isObject() ? ((ObjectNode) definition).deepCopy() : Jsons.object());
            apps.computeIfAbsent(key, k -> new ArrayList<>()).add(installation.path("appId").asText());
        }
        ArrayNode out = Jsons.array();
        byPackage.forEach((key, definition) -> {
            ArrayNode ids = definition.putArray("apps");
            apps.get(key).stream().sorted().forEach(ids::add);
            out.add(definition);
        });
        return out;
    }

    /** {@code dcos package list}: sorted by name. */
    static Table installed(ArrayNode packages) {
        Table t = new Table().left("NAME").left("VERSION").left("APP").left("COMMAND").left("DESCRIPTION");
        for (JsonNode p : packages) {
            List<String> apps = new ArrayList<>();
            p.path("apps").forEach(a -> apps.add(a.asText()));
            String command = p.path("command").hasNonNull("name") ? p.path("command").path("name").asText() : NONE;
            t.row(p.path("name").asText(), p.path("version").asText(), apps.isEmpty() ? NONE : String.join("\n", apps), command,
                    shorten(p.path("description").asText(""), 65));
        }
        return t.sortBy("NAME");
    }

    /**
     * Whitespace collapsed, then cut at a word boundary so that the words and {@code ...} fit in {@code width}
     * (Python's {@code textwrap.shorten}, which the DC/OS CLI uses for descriptions).
     */
    static String shorten(String text, int width) {
        String[] words = text.strip().split("\\s+");
        String collapsed = String.join(" ", words);
        if (collapsed.length() <= width) return collapsed;
        String placeholder = "...";
        StringBuilder b = new StringBuilder();
        for (String w : words) {
            int len = b.isEmpty() ? w.length() : b.length() + 1 + w.length();
            if (len + placeholder.length() > width) break;
            if (!b.isEmpty()) b.append(' ');
            b.append(w);
        }
        return b + placeholder;
    }

    /** Python's spelling of booleans, as the DC/OS CLI's tables print them. */
    private static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
