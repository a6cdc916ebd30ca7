package io.strata.lb.render;

import io.strata.lb.services.Service;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The templates in force: Strata's defaults, replaced by global overrides ({@code HAPROXY_<NAME>} environment
 * variables or {@code templates/HAPROXY_<NAME>} files, collected by the caller), replaced per service port by
 * {@code HAPROXY_{n}_<NAME>} labels.
 */
public final class Templates {
    private final Map<TemplateName, String> global;

    private Templates(Map<TemplateName, String> global) {
        this.global = global;
    }

    public static Templates defaults() {
        return of(Map.of());
    }

    /**
     * Templates with these global overrides, keyed by template name ({@code BACKEND_HEAD}) or by override name
     * ({@code HAPROXY_BACKEND_HEAD}); other keys are ignored. A HEAD override must keep HAProxy in the foreground
     * (no {@code daemon}) and expose the listening sockets for hitless reloads ({@code expose-fd listeners}), as
     * marathon-lb requires.
     */
    public static Templates of(Map<String, String> overrides) {
        Map<TemplateName, String> global = new EnumMap<>(TemplateName.class);
        for (TemplateName t : TemplateName.values()) global.put(t, t.defaultText());
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            String key = e.getKey().startsWith("HAPROXY_") ? e.getKey().substring("HAPROXY_".length()) : e.getKey();
            TemplateName t = TemplateName.byName(key);
            if (t == null) continue;
            String text = e.getValue().replace("\r\n", "\n");
            if (!t.verbatim()) Template.of(text); // syntax errors surface at start-up, not at the first render
            global.put(t, text);
        }
        String head = global.get(TemplateName.HEAD);
        if (List.of(head.split("\\s+")).contains("daemon") || !head.contains("expose-fd listeners")) {
            throw new IllegalArgumentException("HAPROXY_HEAD override: remove \"daemon\" and keep "
                    + "\"stats socket <path> expose-fd listeners\" in the global section (HAProxy runs in master-worker "
                    + "mode and reloads without dropping connections)");
        }
        return new Templates(global);
    }

    /** The global text of a template. */
    public String global(TemplateName name) {
        return global.get(name);
    }

    /** The text for one service: its label override when the template is overridable and set, else the global one. */
    public String forService(TemplateName name, Service service) {
        if (name.overridable()) {
            String own = service.template(name.name());
            if (own != null) return own;
        }
        return global.get(name);
    }
}
