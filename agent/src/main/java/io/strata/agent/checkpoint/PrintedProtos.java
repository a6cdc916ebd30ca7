package io.strata.agent.checkpoint;

import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.strata.common.json.ProtoJson;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The Mesos JSON of protobufs that the checkpoints print again and again: a task's {@code TaskInfo} goes into
 * every {@code task.json} write of it (three or four per task), and each {@code TaskStatus} into every
 * {@code task.json} and {@code updates.json} written while it is recorded or pending. Protobuf messages are
 * immutable, so each is printed once (with {@link ProtoJson#print}, byte for byte what it would print again)
 * and the text reused while the message is alive. Keys are held weakly: an entry goes with its message.
 */
public final class PrintedProtos {
    private static final Map<Message, String> PRINTED = Collections.synchronizedMap(new WeakHashMap<>());

    private PrintedProtos() {}

    public static String print(MessageOrBuilder m) {
        if (!(m instanceof Message message)) return ProtoJson.print(m); // a builder may still change
        String json = PRINTED.get(message);
        if (json == null) {
            json = ProtoJson.print(message);
            PRINTED.put(message, json);
        }
        return json;
    }
}
