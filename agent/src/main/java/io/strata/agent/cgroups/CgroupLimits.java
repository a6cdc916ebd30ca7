package io.strata.agent.cgroups;

/**
 * The limits a task's cgroup gets from its resources, computed the way Mesos' cgroups isolators do: memory is a
 * hard limit of the task's {@code mem} (at least 32 MB), CPU is a weight proportional to {@code cpus}
 * (1024 shares per CPU, at least 2) plus a CFS quota of {@code cpus} periods (at least 1 ms).
 * A value of -1 means "no limit" (the task did not ask for that resource).
 *
 * @param memoryBytes  memory.limit_in_bytes (v1) / memory.max (v2)
 * @param cpuShares    cpu.shares (v1)
 * @param cfsPeriodUs  cpu.cfs_period_us (v1) and the period of cpu.max (v2)
 * @param cfsQuotaUs   cpu.cfs_quota_us (v1) and the quota of cpu.max (v2)
 */
public record CgroupLimits(long memoryBytes, long cpuShares, long cfsPeriodUs, long cfsQuotaUs) {
    public static final long MIN_MEMORY_BYTES = 32L * 1024 * 1024;
    public static final long MIN_CPU_SHARES = 2;
    public static final long CPU_SHARES_PER_CPU = 1024;
    public static final long CFS_PERIOD_US = 100_000;
    public static final long MIN_CFS_QUOTA_US = 1_000;

    public static CgroupLimits of(double cpus, double memMb) {
        long mem = memMb > 0 ? Math.max(MIN_MEMORY_BYTES, (long) Math.ceil(memMb * 1024 * 1024)) : -1;
        long shares = cpus > 0 ? Math.max(MIN_CPU_SHARES, (long) (cpus * CPU_SHARES_PER_CPU)) : -1;
        long quota = cpus > 0 ? Math.max(MIN_CFS_QUOTA_US, (long) (cpus * CFS_PERIOD_US)) : -1;
        return new CgroupLimits(mem, shares, CFS_PERIOD_US, quota);
    }

    public boolean limitsMemory() {
        return memoryBytes > 0;
    }

    public boolean limitsCpu() {
        return cpuShares > 0;
    }

    /**
     * cgroup v2 cpu.weight (1..10000) for these shares, with the mapping container runtimes use so that the
     * default 1024 shares land near the default weight of 100.
     */
    public long cpuWeight() {
        if (cpuShares <= 0) return 100;
        long w = 1 + ((cpuShares - 2) * 9999) / 262142;
        return Math.max(1, Math.min(10_000, w));
    }

    /** cgroup v2 cpu.max: "<quota> <period>". */
    public String cpuMax() {
        return (cfsQuotaUs > 0 ? Long.toString(cfsQuotaUs) : "max") + " " + cfsPeriodUs;
    }
}
