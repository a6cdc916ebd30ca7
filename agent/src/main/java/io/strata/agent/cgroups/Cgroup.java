package io.strata.agent.cgroups;

import java.nio.file.Path;
import java.util.List;

/**
 * One task's cgroup: the directories created for it (one per v1 hierarchy, a single one on v2). Checkpointed
 * with the container so a restarted agent can read its OOM state and remove it.
 *
 * @param version   1 or 2
 * @param dirs      every directory created, the memory one first when there is one
 * @param memoryDir the directory holding the memory controller's files, or null
 */
public record Cgroup(int version, List<Path> dirs, Path memoryDir) {
    public Cgroup {
        dirs = List.copyOf(dirs);
    }

    /** The files a process writes its pid into to join this cgroup. */
    public List<Path> procsFiles() {
        return dirs.stream().map(d -> d.resolve("cgroup.procs")).toList();
    }
}
