package io.strata.cosmos.universe;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.strata.common.http.HttpServers;
import io.strata.common.json.Json;
import io.strata.common.metrics.Metrics;
import io.strata.cosmos.api.MediaType;
import io.strata.cosmos.api.MediaTypes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dcos-node universe serve}: serves a repository at {@code /repo} as a Universe server does, so Cosmos
 * (ours or DC/OS') can add it with {@code dcos package repo add}. The Accept header picks the answer: the
 * highest Universe repository version the client names (v5, v4, v3; packages are downgraded for older
 * clients, as Universe's build does), {@code application/zip}, or, for clients that name none ({@code curl},
 * {@code *}{@code /*}, {@code application/json}), the v4 JSON.
 */
public final class UniverseServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UniverseServer.class);
    private final Javalin app;

    private UniverseServer(Javalin app) {
        this.app = app;
    }

    public static UniverseServer start(String host, int port, List<UniversePackage> packages) {
        List<UniversePackage> pkgs = List.copyOf(packages);
        Javalin app = HttpServers.create("universe", host, port, Metrics.newRegistry("universe"), null);
        app.get("/repo", ctx -> serve(ctx, pkgs));
        app.get("/", ctx -> serve(ctx, pkgs));
        HttpServers.start(app);
        LOG.info("msg=\"universe serving\" address={}:{} packages={}", host, app.port(), pkgs.size());
        return new UniverseServer(app);
    }

    public int port() {
        return app.port();
    }

    static void serve(Context ctx, List<UniversePackage> pkgs) {
        String accept = ctx.header("Accept");
        List<MediaType> accepted = MediaType.parseList(accept);
        List<MediaType> available = new ArrayList<>(List.of(MediaTypes.universeRepo(5), MediaTypes.universeRepo(4),
                MediaTypes.universeRepo(3), MediaTypes.ZIP));
        MediaType chosen = MediaType.negotiate(accepted, available).orElse(null);
        if (chosen == null) {
            boolean plain = accept == null || accept.isBlank() || accepted.stream().anyMatch(m ->
                    m.type().equals("*") || m.subtype().equals("*") || (m.type() + "/" + m.subtype()).equals("application/json"));
            if (!plain) {
                ObjectNode o = Json.object();
                o.put("message", "Not acceptable: " + accept + "; this server answers " + available);
                ctx.status(406).contentType("application/json").result(o.toString());
                return;
            }
            chosen = MediaTypes.universeRepo(4);
        }
        ctx.header("Vary", "Accept");
        if (chosen.equals(MediaTypes.ZIP)) {
            ctx.contentType(MediaTypes.ZIP.toString()).result(UniverseBuild.zip(json(pkgs, 5)));
            return;
        }
        int version = Integer.parseInt(chosen.parameters().get("version").substring(1));
        ctx.contentType(chosen.toString()).result(json(pkgs, version));
    }

    /** The repository JSON for a client of this repository version. */
    static byte[] json(List<UniversePackage> pkgs, int version) {
        ObjectNode root = Json.object();
        ArrayNode arr = root.putArray("packages");
        for (UniversePackage p : pkgs) arr.add(downgrade(p.definition(), version));
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Universe's downgrade: v5 drops {@code manager}, v4 drops upgrade and downgrade lists. */
    static ObjectNode downgrade(ObjectNode pkg, int version) {
        int major = Integer.parseInt(pkg.path("packagingVersion").asText("2.0").substring(0, 1));
        if (major > 4 && version <= 4) {
            pkg.remove("manager");
            pkg.put("packagingVersion", "4.0");
            major = 4;
        }
        if (major > 3 && version <= 3) {
            pkg.remove("upgradesFrom");
            pkg.remove("downgradesTo");
            pkg.put("packagingVersion", "3.0");
        }
        return pkg;
    }

    @Override
    public void close() {
        app.stop();
    }
}
