package io.strata.lb.haproxy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParsingTest {
    @Test
    void showProcListsMasterWorkersAndOldWorkers() {
        HaproxyProcess.Procs p = HaproxyProcess.parseProcs("""
                #<PID>          <type>          <reloads>       <uptime>        <version>
                3061            master          3 [failed: 1]   0d00h00m10s     2.6.12
                # workers
                5678            worker          0               0d00h00m01s     2.6.12
                # old workers
                4321            worker          1               0d00h00m09s     2.6.12
                # programs

                """);
        assertThat(p.master()).isEqualTo(3061);
        assertThat(p.failedReloads()).isEqualTo(1);
        assertThat(p.workers()).containsExactly(5678L);
        assertThat(p.oldWorkers()).containsExactly(4321L);
        assertThat(p.all()).containsExactly(3061L, 5678L, 4321L);
    }

    @Test
    void checkerFindsLinesAndProxiesInAlerts() {
        ConfigChecker.Result r = ConfigChecker.parse(false, """
                [NOTICE]   (1) : haproxy version is 2.6.12
                [WARNING]  (1) : config : parsing [/etc/haproxy/haproxy.cfg:12] : something harmless
                [ALERT]    (1) : config : parsing [/etc/haproxy/haproxy.cfg:77] : unknown keyword 'bogus' in 'backend' section
                [ALERT]    (1) : config : Proxy 'web_10000': unable to find required use_backend: 'nope'.
                [ALERT]    (1) : config : Fatal errors found in configuration.
                """);
        assertThat(r.valid()).isFalse();
        assertThat(r.lines()).containsExactly(77);
        assertThat(r.proxies()).containsExactly("web_10000");
    }
}
