package io.strata.agent.cgroups;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cgroup detection and limits against fake hierarchies in a temp dir (regular files stand in for cgroupfs). */
class CgroupsTest {
    @TempDir
    Path root;

    @Test
    void limitsFollowMesosIsolators() {
        CgroupLimits l = CgroupLimits.of(0.5, 128);
        assertThat(l.memoryBytes()).isEqualTo(128L * 1024 * 1024);
        assertThat(l.cpuShares()).isEqualTo(512);
        assertThat(l.cfsPeriodUs()).isEqualTo(100_000);
        assertThat(l.cfsQuotaUs()).isEqualTo(50_000);
        assertThat(l.cpuMax()).isEqualTo("50000 100000");
        assertThat(CgroupLimits.of(1, 64).cpuWeight()).isEqualTo(39);
        assertThat(CgroupLimits.of(4, 64).cpuWeight()).isEqualTo(157);
    }

    @Test
    void tinyRequestsGetTheMinimums() {
        CgroupLimits l = CgroupLimits.of(0.001, 4);
        assertThat(l.memoryBytes()).isEqualTo(CgroupLimits.MIN_MEMORY_BYTES);
        assertThat(l.cpuShares()).isEqualTo(2);
        assertThat(l.cfsQuotaUs()).isEqualTo(1_000);
        assertThat(l.cpuWeight()).isEqualTo(1);
    }

    @Test
    void noResourceNoLimit() {
        CgroupLimits l = CgroupLimits.of(0, 0);
        assertThat(l.limitsMemory()).isFalse();
        assertThat(l.limitsCpu()).isFalse();
        assertThat(l.cpuMax()).isEqualTo("max 100000");
    }

    @Test
    void detectsHybridV1WithAControllerlessUnifiedMount() throws Exception {
        Path unified = Files.createDirectories(root.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "\n");
        Cgroups c = Cgroups.detect("strata", List.of(
                "cgroup " + root.resolve("cpu") + " cgroup rw,relatime,cpu 0 0",
                "cgroup " + root.resolve("memory") + " cgroup rw,relatime,memory 0 0",
                "cgroup2 " + unified + " cgroup2 rw,relatime 0 0"));
        assertThat(c.version()).isEqualTo(1);
        assertThat(c.describe()).contains(root.resolve("memory").toString());
    }

    @Test
    void detectsPureV2() throws Exception {
        Path v2 = Files.createDirectories(root.resolve("v2"));
        Files.writeString(v2.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Cgroups c = Cgroups.detect("strata", List.of("cgroup2 " + v2 + " cgroup2 rw,nosuid 0 0"));
        assertThat(c.version()).isEqualTo(2);
    }

    @Test
    void noMemoryControllerMeansNoCgroups() throws Exception {
        Path v2 = Files.createDirectories(root.resolve("v2"));
        Files.writeString(v2.resolve("cgroup.controllers"), "hugetlb\n");
        Cgroups c = Cgroups.detect("strata", List.of("cgroup2 " + v2 + " cgroup2 rw 0 0"));
        assertThat(c.version()).isZero();
        assertThat(c.create("x", CgroupLimits.of(1, 64))).isEmpty();
        assertThat(Cgroups.detect(null, List.of()).version()).isZero();
        assertThat(Cgroups.detect("../escape", List.of()).version()).isZero();
    }

    @Test
    void v1WritesMemoryAndCpuLimitsPerHierarchy() throws Exception {
        Cgroups c = Cgroups.detect("strata", List.of(
                "cgroup " + root.resolve("memory") + " cgroup rw,memory 0 0",
                "cgroup " + root.resolve("cpu,cpuacct") + " cgroup rw,cpu,cpuacct 0 0"));
        Cgroup cg = c.create("c1", CgroupLimits.of(1.5, 256)).orElseThrow();
        Path mem = root.resolve("memory/strata/c1");
        Path cpu = root.resolve("cpu,cpuacct/strata/c1");
        assertThat(cg.dirs()).containsExactly(mem, cpu);
        assertThat(cg.procsFiles()).containsExactly(mem.resolve("cgroup.procs"), cpu.resolve("cgroup.procs"));
        assertThat(Files.readString(mem.resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(256L * 1024 * 1024));
        assertThat(Files.readString(cpu.resolve("cpu.shares"))).isEqualTo("1536");
        assertThat(Files.readString(cpu.resolve("cpu.cfs_quota_us"))).isEqualTo("150000");
        assertThat(Files.readString(cpu.resolve("cpu.cfs_period_us"))).isEqualTo("100000");

        assertThat(c.oomKilled(cg)).isFalse();
        Files.writeString(mem.resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");
        assertThat(c.oomKilled(cg)).isTrue();

        c.destroy(cg);
        assertThat(mem).doesNotExist();
        assertThat(cpu).doesNotExist();
    }

    @Test
    void v2EnablesControllersAndWritesOneDirectory() throws Exception {
        Path v2 = Files.createDirectories(root.resolve("v2"));
        Files.writeString(v2.resolve("cgroup.controllers"), "cpu memory pids\n");
        Cgroups c = Cgroups.detect("strata", List.of("cgroup2 " + v2 + " cgroup2 rw 0 0"));
        Files.createDirectories(v2.resolve("strata"));
        Files.writeString(v2.resolve("strata/cgroup.controllers"), "cpu memory\n");
        Cgroup cg = c.create("c2", CgroupLimits.of(2, 512)).orElseThrow();
        Path dir = v2.resolve("strata/c2");
        assertThat(cg.dirs()).containsExactly(dir);
        assertThat(Files.readString(v2.resolve("cgroup.subtree_control"))).isEqualTo("+memory +cpu");
        assertThat(Files.readString(v2.resolve("strata/cgroup.subtree_control"))).isEqualTo("+memory +cpu");
        assertThat(Files.readString(dir.resolve("memory.max"))).isEqualTo(Long.toString(512L * 1024 * 1024));
        assertThat(Files.readString(dir.resolve("cpu.max"))).isEqualTo("200000 100000");
        assertThat(Files.readString(dir.resolve("cpu.weight"))).isEqualTo("79");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        assertThat(c.oomKilled(cg)).isTrue();
    }

    @Test
    void aFailureDisablesCgroupsForLaterTasks() throws Exception {
        Path ro = Files.createDirectories(root.resolve("memory"));
        Files.writeString(ro.resolve("strata"), "a file where the root directory should be");
        Cgroups c = Cgroups.detect("strata", List.of("cgroup " + ro + " cgroup rw,memory 0 0"));
        assertThat(c.create("c1", CgroupLimits.of(1, 64))).isEmpty();
        Files.delete(ro.resolve("strata"));
        assertThat(c.create("c2", CgroupLimits.of(1, 64))).as("no second attempt, no second warning").isEmpty();
    }
}
