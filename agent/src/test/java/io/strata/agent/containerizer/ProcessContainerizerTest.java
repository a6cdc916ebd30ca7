package io.strata.agent.containerizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.strata.agent.cgroups.CgroupLimits;
import io.strata.agent.cgroups.Cgroups;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes, no cgroups: the wrapper, its files, process groups and signals. */
class ProcessContainerizerTest {
    @TempDir
    Path dir;
    private final ProcessContainerizer containerizer = new ProcessContainerizer(new Cgroups.Disabled("test"));

    @Test
    void commandLines() {
        assertThat(LaunchScript.commandLine(CommandInfo.newBuilder().setValue("echo $HOME").build()))
                .containsExactly("/bin/sh", "-c", "echo $HOME");
        assertThat(LaunchScript.commandLine(CommandInfo.newBuilder().setShell(false).setValue("/bin/echo")
                .addArguments("echo").addArguments("a b").build())).containsExactly("/bin/echo", "a b");
        assertThat(LaunchScript.commandLine(CommandInfo.newBuilder().setShell(false).addArguments("/bin/true").build()))
                .containsExactly("/bin/true");
        assertThatThrownBy(() -> LaunchScript.commandLine(CommandInfo.newBuilder().setShell(false).build()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LaunchScript.quote("it's")).isEqualTo("'it'\\''s'");
    }

    @Test
    void theWrapperJoinsCgroupsBeforeRunningTheCommand() {
        String script = LaunchScript.render(Path.of("/m/pid"), Path.of("/m/exit_status"),
                List.of(Path.of("/cg/memory/strata/c/cgroup.procs")));
        assertThat(script.indexOf("/cg/memory/strata/c/cgroup.procs")).isLessThan(script.indexOf("\"$@\""));
        assertThat(script).contains("echo \"$strata_status\" > '/m/exit_status'");
    }

    @Test
    void runsInItsOwnSessionWithOutputInTheSandboxAndRecordsTheExitStatus() throws Exception {
        var launched = launch("c1", "echo out; echo err >&2; echo \"$GREETING\"; exit 3", Map.of("GREETING", "hi"));
        Process p = launched.process();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(3);
        Path sandbox = launched.container().sandbox();
        assertThat(Files.readString(sandbox.resolve("stdout"))).isEqualTo("out\nhi\n");
        assertThat(Files.readString(sandbox.resolve("stderr"))).isEqualTo("err\n");
        assertThat(ProcessContainerizer.exitStatus(launched.container().metaDir())).hasValue(3);
        assertThat(Files.readString(launched.container().metaDir().resolve("pid")).trim()).isEqualTo(Long.toString(p.pid()));
    }

    @Test
    void termReachesTheWholeGroupAndStillLeavesAnExitStatus() throws Exception {
        var launched = launch("c2", "sleep 300 & sleep 300; wait", Map.of());
        Container c = launched.container();
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(c.pid()).orElseThrow().descendants().count() >= 2);
        List<ProcessHandle> children = ProcessHandle.of(c.pid()).orElseThrow().descendants().toList();
        assertThat(ProcessContainerizer.isRunning(c.pid(), c.startMillis())).isTrue();
        assertThat(ProcessContainerizer.isRunning(c.pid(), c.startMillis() - 60_000)).as("another process with that pid").isFalse();

        containerizer.signal(c, ProcessContainerizer.Signal.TERM);
        assertThat(launched.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
        assertThat(ProcessContainerizer.exitStatus(c.metaDir())).hasValue(143);
        assertThat(ProcessContainerizer.isRunning(c.pid(), c.startMillis())).isFalse();
    }

    @Test
    void killEndsATaskThatIgnoresTerm() throws Exception {
        var launched = launch("c3", "trap '' TERM; echo ready; while :; do sleep 1; done", Map.of());
        Container c = launched.container();
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(c.sandbox().resolve("stdout")).contains("ready"));
        containerizer.signal(c, ProcessContainerizer.Signal.TERM);
        assertThat(launched.process().waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
        containerizer.signal(c, ProcessContainerizer.Signal.KILL);
        assertThat(launched.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(launched.process().exitValue()).isEqualTo(137);
        assertThat(ProcessContainerizer.exitStatus(c.metaDir())).as("the wrapper died with the group").isEmpty();
    }

    private ProcessContainerizer.Launched launch(String id, String cmd, Map<String, String> env) throws Exception {
        Map<String, String> full = new java.util.HashMap<>(env);
        full.put("PATH", TaskEnvironment.DEFAULT_PATH);
        return containerizer.launch(new ProcessContainerizer.LaunchRequest(id, dir.resolve("sandbox-" + id), dir.resolve("meta-" + id),
                CommandInfo.newBuilder().setValue(cmd).build(), full, CgroupLimits.of(0.1, 32)));
    }
}
