package io.strata.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * cgroup v2: one directory {@code <mount>/<root>/<container>} with {@code memory.max}, {@code cpu.weight} and
 * {@code cpu.max}. The memory and cpu controllers are enabled for the children of the mount and of the root
 * ({@code cgroup.subtree_control}); where that is refused (e.g. the mount is a container's own non-empty
 * cgroup) creation fails and tasks run unconfined.
 */
public final class CgroupsV2 extends Cgroups {
    private final Path mount;

    CgroupsV2(String root, Path mount) {
        super(root);
        this.mount = mount;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public String describe() {
        return "cgroup v2 at " + mount + ", root " + root;
    }

    public Path dir(String containerId) {
        return mount.resolve(root).resolve(containerId);
    }

    @Override
    protected Cgroup doCreate(String containerId, CgroupLimits limits) throws IOException {
        Path parent = mount.resolve(root);
        enableControllers(mount);
        Files.createDirectories(parent);
        enableControllers(parent);
        Path dir = dir(containerId);
        Files.createDirectories(dir);
        try {
            if (limits.limitsMemory()) write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
            if (limits.limitsCpu()) {
                write(dir.resolve("cpu.weight"), Long.toString(limits.cpuWeight()));
                write(dir.resolve("cpu.max"), limits.cpuMax());
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(dir);
            throw e;
        }
        return new Cgroup(2, List.of(dir), dir);
    }

    private static void enableControllers(Path dir) throws IOException {
        Set<String> available = controllers(dir);
        StringBuilder wanted = new StringBuilder();
        for (String c : List.of("memory", "cpu")) {
            if (available.contains(c)) wanted.append(wanted.isEmpty() ? "" : " ").append('+').append(c);
        }
        if (wanted.isEmpty()) return;
        Path control = dir.resolve("cgroup.subtree_control");
        String current = Files.exists(control) ? Files.readString(control).trim() : "";
        boolean all = true;
        for (String c : List.of("memory", "cpu")) {
            if (available.contains(c) && !List.of(current.split("\\s+")).contains(c)) all = false;
        }
        if (!all) write(control, wanted.toString());
    }

    @Override
    public boolean oomKilled(Cgroup cgroup) {
        if (cgroup.memoryDir() == null) return false;
        return counter(cgroup.memoryDir().resolve("memory.events"), "oom_kill") > 0;
    }
}
