package io.strata.master;

import io.strata.common.protocol.AgentMessage;
import io.strata.common.resources.Resources;
import io.strata.master.stream.EventStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.mesos.v1.Protos.AgentInfo;

/** The master's view of one registered agent. Owned by the master loop. */
final class AgentEntry {
    final String id;
    AgentInfo info;
    Resources total;
    Resources used = Resources.empty();
    Resources offered = Resources.empty();
    EventStream<AgentMessage> stream; // null while disconnected
    Instant registeredTime;
    Instant reregisteredTime;
    Instant lastContact;
    final Map<String, TaskEntry> tasks = new LinkedHashMap<>(); // key: TaskEntry.key()

    AgentEntry(String id, AgentInfo info, Resources total, Instant now) {
        this.id = id;
        this.info = info;
        this.total = total;
        this.registeredTime = now;
        this.lastContact = now;
    }

    boolean connected() {
        return stream != null && !stream.isClosed();
    }

    Resources available() {
        Resources taken = used.plus(offered);
        if (total.contains(taken)) return total.minus(taken);
        return Resources.empty(); // over-committed (recovered tasks larger than the agent's new total)
    }

    String pid() {
        return "slave(1)@" + (info.hasHostname() ? info.getHostname() : "127.0.0.1") + ":" + info.getPort();
    }
}
