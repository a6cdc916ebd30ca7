package io.strata.lb.render;

import io.strata.lb.services.Skipped;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A rendered haproxy.cfg with its map files, and what it is made of: which app wrote each line (to blame the
 * right app when {@code haproxy -c} rejects a line), which app owns each proxy, the service frontends' addresses,
 * and the apps left out.
 *
 * @param text        haproxy.cfg
 * @param domainMap   domain2backend.map ({@code --haproxy-map}), else empty
 * @param appMap      app2backend.map ({@code --haproxy-map}), else empty
 * @param lineOwners  for line {@code n} (1-based) the app id at index {@code n-1}, or null for the global parts
 * @param proxyOwners frontend and backend names → app id
 * @param binds       the service frontends' addresses
 * @param apps        app ids in the configuration
 * @param skipped     apps left out, with the reason
 * @param serversByAddress "ip:port" → the {@code backend/server} names HAProxy knows that task by
 * @param backendsByApp    app id → its backends, with the service port index each serves
 */
public record RenderedConfig(String text, String domainMap, String appMap, List<String> lineOwners,
                             Map<String, String> proxyOwners, List<Bind> binds, Set<String> apps, List<Skipped> skipped,
                             int servers, Map<String, List<String>> serversByAddress, Map<String, List<BackendRef>> backendsByApp) {

    /** A backend and the index {@code n} of the service port it serves. */
    public record BackendRef(int index, String name) {}

    /** A service frontend's bind address ("*" for all) and port. */
    public record Bind(String appId, String address, int port) {}

    /** The app that wrote line {@code line} (1-based), or null. */
    public String ownerOfLine(int line) {
        return line >= 1 && line <= lineOwners.size() ? lineOwners.get(line - 1) : null;
    }

    /** Same files, regardless of the bookkeeping. */
    public boolean sameFilesAs(RenderedConfig other) {
        return other != null && text.equals(other.text) && domainMap.equals(other.domainMap) && appMap.equals(other.appMap);
    }
}
