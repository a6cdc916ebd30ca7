package io.strata.dns.records;

import io.strata.dns.naming.LabelSpec;
import io.strata.dns.naming.TaskHash;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.mesos.v1.Protos.DiscoveryInfo;
import org.apache.mesos.v1.Protos.Label;
import org.apache.mesos.v1.Protos.NetworkInfo;
import org.apache.mesos.v1.Protos.Port;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;

/**
 * The names Mesos-DNS gives to masters, agents, frameworks and tasks, as pure functions from what the master
 * reports to {@link Rr records}. Nothing here does I/O: host names are resolved by the caller, which passes the
 * addresses in.
 *
 * <p>For a RUNNING task {@code T} of framework {@code F} on agent {@code ...-S3} (names sanitised by the
 * {@link LabelSpec}, the framework name label by label):
 * <pre>
 *   T.F.domain.                         A     the task's address (first IP source that has one)
 *   T-hash-s3.F.domain.                 A     the same, one name per task (hash of the task id)
 *   T.F.slave.domain.                   A     the agent's address
 *   T-hash-s3.F.slave.domain.           A     the same
 *   _T._tcp|_udp.F.slave.domain.        SRV   T-hash-s3.F.slave.domain.:port for each port resource
 *   _T._tcp|_udp.F.domain.              SRV   the same, when the task has no DiscoveryInfo
 *   _T._proto.F.domain.                 SRV   T-hash-s3.F.domain.:port for each DiscoveryInfo port
 *   _name._T._proto.F.domain.           SRV   the same, for a named DiscoveryInfo port
 * </pre>
 * With a DiscoveryInfo, {@code T} is its name rather than the task's, and Mesos-DNS generates everything twice:
 * once with the name exactly as given (lower-cased) and once sanitised. Marathon names an app {@code /prod/web}'s
 * tasks and DiscoveryInfo {@code web.prod}, so its tasks answer at {@code web-prod.marathon.mesos} and (legacy)
 * {@code web.prod.marathon.mesos}.
 */
public final class RecordGenerator {
    /** A task with a huge port range would otherwise produce a record per port. */
    public static final int MAX_PORTS_PER_TASK = 1024;
    public static final String DOCKER_IP_LABEL = "Docker.NetworkSettings.IPAddress";
    public static final String MESOS_IP_LABEL = "MesosContainerizer.NetworkSettings.IPAddress";

    private final String domain;
    private final String tail;
    private final LabelSpec spec;
    private final List<String> ipSources;

    /**
     * @param domain    the zone, e.g. {@code mesos} (lower case, no trailing dot)
     * @param spec      label rules (RFC 1123, or RFC 952 with {@code enforceRFC952})
     * @param ipSources task IP sources in priority order: {@code netinfo}, {@code mesos}, {@code docker}, {@code host}
     */
    public RecordGenerator(String domain, LabelSpec spec, List<String> ipSources) {
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.tail = "." + this.domain + ".";
        this.spec = spec;
        this.ipSources = List.copyOf(ipSources);
    }

    public String domain() {
        return domain;
    }

    public LabelSpec spec() {
        return spec;
    }

    // ------------------------------------------------------------------ tasks

    /**
     * The records of one task; empty unless it is RUNNING and its agent's addresses are known (Mesos-DNS skips
     * tasks on agents it does not know).
     */
    public List<Rr> task(Task task, String frameworkName, List<String> agentIps) {
        if (task.getState() != TaskState.TASK_RUNNING || agentIps == null) return List.of();
        Set<Rr> out = new LinkedHashSet<>();
        String fname = spec.domainFragment(frameworkName);
        String hash = TaskHash.of(task.getTaskId().getValue());
        String agentTail = TaskHash.agentTail(task.getAgentId().getValue());
        List<String> taskIps = taskIps(task, agentIps);
        List<Integer> ports = ports(task);
        DiscoveryInfo di = task.hasDiscovery() ? task.getDiscovery() : null;
        boolean hasDiscovery = di != null && !di.getName().isEmpty();
        if (hasDiscovery) {
            // the name as given (kept by Mesos-DNS for old clients), then the sanitised one
            taskRecords(out, di.getName().toLowerCase(Locale.ROOT), fname, hash, agentTail, taskIps, agentIps, ports, di);
            taskRecords(out, spec.label(di.getName()), fname, hash, agentTail, taskIps, agentIps, ports, di);
        } else {
            taskRecords(out, spec.label(task.getName()), fname, hash, agentTail, taskIps, agentIps, ports, null);
        }
        return List.copyOf(out);
    }

    private void taskRecords(Set<Rr> out, String name, String fname, String hash, String agentTail, List<String> taskIps,
                             List<String> agentIps, List<Integer> ports, DiscoveryInfo di) {
        if (name.isEmpty() || fname.isEmpty()) return;
        String canonical = name + "-" + hash + "-" + agentTail + "." + fname;
        String plain = name + "." + fname;
        for (String ip : taskIps) {
            add(out, Rr.address(plain + tail, ip));
            add(out, Rr.address(canonical + tail, ip));
        }
        for (String ip : agentIps) {
            add(out, Rr.address(plain + ".slave" + tail, ip));
            add(out, Rr.address(canonical + ".slave" + tail, ip));
        }
        String slaveTarget = canonical + ".slave" + tail;
        for (int port : ports) {
            for (String proto : new String[] {"tcp", "udp"}) {
                add(out, Rr.srv("_" + name + "._" + proto + "." + fname + ".slave" + tail, slaveTarget, port));
            }
            if (di == null) {
                for (String proto : new String[] {"tcp", "udp"}) {
                    add(out, Rr.srv("_" + name + "._" + proto + "." + fname + tail, slaveTarget, port));
                }
            }
        }
        if (di == null) return;
        String target = canonical + tail;
        for (Port p : di.getPorts().getPortsList()) {
            if (p.getNumber() < 1 || p.getNumber() > 65535) continue;
            String proto = spec.label(p.getProtocol());
            String portName = spec.label(p.getName());
            for (String pr : proto.isEmpty() ? new String[] {"tcp", "udp"} : new String[] {proto}) {
                String service = "_" + name + "._" + pr + "." + fname + tail;
                add(out, Rr.srv(service, target, p.getNumber()));
                if (!portName.isEmpty()) add(out, Rr.srv("_" + portName + "." + service, target, p.getNumber()));
            }
        }
    }

    /** The task's addresses from the first IP source that has any (Mesos-DNS's {@code IPSources}). */
    List<String> taskIps(Task task, List<String> agentIps) {
        for (String source : ipSources) {
            List<String> ips = new ArrayList<>();
            switch (source) {
                case "host" -> ips.addAll(agentIps);
                case "netinfo" -> {
                    TaskStatus s = latestRunning(task);
                    if (s != null) {
                        for (NetworkInfo ni : s.getContainerStatus().getNetworkInfosList()) {
                            for (NetworkInfo.IPAddress ip : ni.getIpAddressesList()) addLiteral(ips, ip.getIpAddress());
                        }
                    }
                }
                case "mesos" -> labelIps(task, MESOS_IP_LABEL, ips);
                case "docker" -> labelIps(task, DOCKER_IP_LABEL, ips);
                default -> { }
            }
            if (!ips.isEmpty()) return ips;
        }
        return List.of();
    }

    private static void labelIps(Task task, String key, List<String> ips) {
        TaskStatus s = latestRunning(task);
        if (s == null) return;
        for (Label l : s.getLabels().getLabelsList()) {
            if (l.getKey().equals(key)) addLiteral(ips, l.getValue());
        }
    }

    private static void addLiteral(List<String> ips, String text) {
        String ip = IpLiterals.canonical(text);
        if (ip != null && !ips.contains(ip)) ips.add(ip);
    }

    /** The newest RUNNING status: statuses are not guaranteed to be in order. */
    static TaskStatus latestRunning(Task task) {
        TaskStatus best = null;
        for (TaskStatus s : task.getStatusesList()) {
            if (s.getState() == TaskState.TASK_RUNNING && (best == null || s.getTimestamp() > best.getTimestamp())) best = s;
        }
        return best;
    }

    /** The task's port resources, expanded in ascending order. */
    static List<Integer> ports(Task task) {
        List<long[]> ranges = new ArrayList<>();
        for (Resource r : task.getResourcesList()) {
            if (!r.getName().equals("ports") || r.getType() != Value.Type.RANGES) continue;
            for (Value.Range range : r.getRanges().getRangeList()) ranges.add(new long[] {range.getBegin(), range.getEnd()});
        }
        ranges.sort((x, y) -> Long.compare(x[0], y[0]));
        Set<Integer> ports = new LinkedHashSet<>();
        for (long[] r : ranges) {
            for (long p = Math.max(1, r[0]); p <= Math.min(65535, r[1]) && ports.size() < MAX_PORTS_PER_TASK; p++) ports.add((int) p);
        }
        return List.copyOf(ports);
    }

    // ------------------------------------------------------------------ agents, frameworks, masters

    /** {@code slave.domain.} A and {@code _slave._tcp.domain.} SRV for one agent with known addresses. */
    public List<Rr> agent(AgentRef agent, List<String> ips) {
        if (ips == null || ips.isEmpty()) return List.of();
        Set<Rr> out = new LinkedHashSet<>();
        String name = "slave" + tail;
        for (String ip : ips) add(out, Rr.address(name, ip));
        if (agent.port() > 0) add(out, Rr.srv("_slave._tcp" + tail, name, agent.port()));
        return List.copyOf(out);
    }

    /** {@code F.domain.} A for the scheduler's host and, when it has a PID, {@code _framework._tcp.F.domain.} SRV. */
    public List<Rr> framework(FrameworkRef fw, List<String> ips) {
        if (ips == null || ips.isEmpty()) return List.of();
        String fname = spec.domainFragment(fw.name());
        if (fname.isEmpty()) return List.of();
        Set<Rr> out = new LinkedHashSet<>();
        String name = fname + tail;
        for (String ip : ips) add(out, Rr.address(name, ip));
        if (fw.port() > 0) add(out, Rr.srv("_framework._tcp." + name, name, fw.port()));
        return List.copyOf(out);
    }

    /**
     * {@code leader.domain.}, {@code master.domain.}, {@code masterN.domain.} and {@code _leader._tcp|_udp.domain.}.
     * {@code masters} ({@code ip:port}) are numbered in the order given; a leader that is not among them gets the
     * next number, as in Mesos-DNS.
     *
     * @param leader the leading master's {@code ip:port}, or null when there is none
     */
    public List<Rr> masters(HostPort leader, Collection<String> masters) {
        if (leader == null || IpLiterals.canonical(leader.host()) == null) return List.of();
        Set<Rr> out = new LinkedHashSet<>();
        String leaderIp = IpLiterals.canonical(leader.host());
        String leaderAddress = leaderIp + ":" + leader.port();
        add(out, Rr.address("leader" + tail, leaderIp));
        add(out, Rr.address("master" + tail, leaderIp));
        add(out, Rr.srv("_leader._tcp" + tail, "leader" + tail, leader.port()));
        add(out, Rr.srv("_leader._udp" + tail, "leader" + tail, leader.port()));
        int index = 0;
        boolean leaderNumbered = false;
        Set<String> seen = new java.util.HashSet<>();
        for (String m : masters) {
            HostPort hp = HostPort.parse(m);
            String ip = hp == null ? null : IpLiterals.canonical(hp.host());
            if (ip == null) continue;
            String address = ip + ":" + hp.port();
            if (!seen.add(address)) continue;
            boolean isLeader = address.equals(leaderAddress);
            if (isLeader && leaderNumbered) continue;
            add(out, Rr.address("master" + tail, ip));
            add(out, Rr.address("master" + index + tail, ip));
            index++;
            if (isLeader) leaderNumbered = true;
        }
        if (!leaderNumbered) add(out, Rr.address("master" + index + tail, leaderIp));
        return List.copyOf(out);
    }

    /** The name server's own name ({@code SOAMname}) for each address it listens on. */
    public static List<Rr> listener(String soaMname, Collection<String> ips) {
        String name = soaMname.toLowerCase(Locale.ROOT);
        if (!name.endsWith(".")) name = name + ".";
        Set<Rr> out = new LinkedHashSet<>();
        for (String ip : ips) {
            String c = IpLiterals.canonical(ip);
            if (c != null) add(out, Rr.address(name, c));
        }
        return List.copyOf(out);
    }

    private static void add(Set<Rr> out, Rr rr) {
        if (validName(rr.name()) && (rr.kind() != Rr.Kind.SRV || validName(rr.host()))) out.add(rr);
    }

    /** An absolute name DNS can carry: labels of 1..63 bytes, 255 bytes on the wire. */
    public static boolean validName(String name) {
        if (name.length() < 2 || !name.endsWith(".") || name.length() > 254) return false;
        int labelStart = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7e || c < 0x21 || c == '\\') return false;
            if (c == '.') {
                int len = i - labelStart;
                if (len < 1 || len > 63) return false;
                labelStart = i + 1;
            }
        }
        return true;
    }
}
