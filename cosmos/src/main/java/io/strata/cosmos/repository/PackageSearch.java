package io.strata.cosmos.repository;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.strata.common.json.Json;
import io.strata.cosmos.universe.UniversePackage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * {@code /package/search}: one result per package name with every version, filtered by the query as Cosmos does
 * (a query with {@code *} is a whole-string glob over name, description and tags; otherwise a case-insensitive
 * substring), selected packages first, then by name.
 */
public final class PackageSearch {
    private PackageSearch() {}

    private record Entry(UniversePackage first, Map<String, Long> versions) {}

    public static List<ObjectNode> search(List<PackageCollection.Located> merged, String query) {
        Map<String, Entry> byName = new LinkedHashMap<>();
        for (PackageCollection.Located l : merged) {
            UniversePackage p = l.pkg();
            Entry e = byName.computeIfAbsent(p.name(), n -> new Entry(p, new LinkedHashMap<>()));
            e.versions().merge(p.version(), p.releaseVersion(), Math::max);
        }
        Predicate<UniversePackage> matches = predicate(query);
        List<Entry> hits = new ArrayList<>(byName.values().stream().filter(e -> matches.test(e.first())).toList());
        hits.sort((a, b) -> {
            int c = Boolean.compare(!a.first().selected(), !b.first().selected());
            return c != 0 ? c : a.first().name().compareTo(b.first().name());
        });
        List<ObjectNode> out = new ArrayList<>();
        for (Entry e : hits) out.add(result(e));
        return out;
    }

    private static ObjectNode result(Entry e) {
        UniversePackage p = e.first();
        ObjectNode o = Json.object();
        o.put("name", p.name());
        o.put("currentVersion", p.version());
        ObjectNode versions = o.putObject("versions");
        e.versions().forEach((v, r) -> versions.put(v, r.toString()));
        o.put("description", p.description());
        o.put("framework", p.framework());
        ArrayNode tags = o.putArray("tags");
        p.tags().forEach(tags::add);
        o.put("selected", p.selected());
        p.images().ifPresent(images -> o.set("images", images));
        return o;
    }

    static Predicate<UniversePackage> predicate(String query) {
        if (query == null || query.isEmpty()) return p -> true;
        if (query.contains("*")) {
            StringBuilder re = new StringBuilder("^");
            for (String part : query.split("\\*", -1)) {
                if (re.length() > 1) re.append(".*");
                if (!part.isEmpty()) re.append(Pattern.quote(part));
            }
            Pattern pattern = Pattern.compile(re.append('$').toString());
            return p -> pattern.matcher(p.name()).find() || pattern.matcher(p.description()).find()
                    || p.tags().stream().anyMatch(t -> pattern.matcher(t).find());
        }
        String q = query.toLowerCase(Locale.ROOT);
        return p -> p.name().toLowerCase(Locale.ROOT).contains(q) || p.description().toLowerCase(Locale.ROOT).contains(q)
                || p.tags().stream().anyMatch(t -> t.toLowerCase(Locale.ROOT).contains(q));
    }
}
