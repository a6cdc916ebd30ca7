package io.strata.agent.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * cgroup v1: one directory per hierarchy, {@code <memory mount>/<root>/<container>} with
 * {@code memory.limit_in_bytes}, and {@code <cpu mount>/<root>/<container>} with {@code cpu.shares},
 * {@code cpu.cfs_period_us} and {@code cpu.cfs_quota_us}.
 */
public final class CgroupsV1 extends Cgroups {
    private final Path memoryMount;
    private final Path cpuMount; // may be null: memory limits only

    CgroupsV1(String root, Path memoryMount, Path cpuMount) {
        super(root);
        this.memoryMount = memoryMount;
        this.cpuMount = cpuMount;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public String describe() {
        return "cgroup v1, memory at " + memoryMount + (cpuMount == null ? "" : ", cpu at " + cpuMount) + ", root " + root;
    }

    public Path memoryDir(String containerId) {
        return memoryMount.resolve(root).resolve(containerId);
    }

    public Path cpuDir(String containerId) {
        return cpuMount == null ? null : cpuMount.resolve(root).resolve(containerId);
    }

    @Override
    protected Cgroup doCreate(String containerId, CgroupLimits limits) throws IOException {
        List<Path> created = new ArrayList<>();
        try {
            Path mem = memoryDir(containerId);
            Files.createDirectories(mem);
            created.add(mem);
            if (limits.limitsMemory()) {
                write(mem.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
            }
            Path cpu = cpuDir(containerId);
            if (cpu != null && !cpu.equals(mem)) {
                Files.createDirectories(cpu);
                created.add(cpu);
            }
            if (cpu != null && limits.limitsCpu()) {
                write(cpu.resolve("cpu.shares"), Long.toString(limits.cpuShares()));
                write(cpu.resolve("cpu.cfs_period_us"), Long.toString(limits.cfsPeriodUs()));
                write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cfsQuotaUs()));
            }
            return new Cgroup(1, created, mem);
        } catch (IOException | RuntimeException e) {
            for (int i = created.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(created.get(i));
                } catch (IOException ignored) {
                    // best effort
                }
            }
            throw e;
        }
    }

    @Override
    public boolean oomKilled(Cgroup cgroup) {
        if (cgroup.memoryDir() == null) return false;
        // memory.oom_control has an oom_kill counter on kernels >= 4.13; under_oom says it is out of memory now.
        Path control = cgroup.memoryDir().resolve("memory.oom_control");
        return counter(control, "oom_kill") > 0 || counter(control, "under_oom") > 0;
    }
}
