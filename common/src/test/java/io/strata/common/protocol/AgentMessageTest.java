package io.strata.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.AgentInfo;
import org.apache.mesos.v1.Protos.CommandInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.KillPolicy;
import org.apache.mesos.v1.Protos.Task;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.DurationInfo;
import org.junit.jupiter.api.Test;

class AgentMessageTest {
    static final FrameworkID FW = FrameworkID.newBuilder().setValue("fw-1").build();
    static final TaskID TASK = TaskID.newBuilder().setValue("t-1").build();
    static final AgentID AGENT = AgentID.newBuilder().setValue("a-S0").build();
    static final FrameworkInfo FRAMEWORK = FrameworkInfo.newBuilder().setUser("root").setName("bench").setId(FW).build();
    static final ByteString UUID = ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});

    static List<AgentMessage> samples() {
        TaskInfo task = TaskInfo.newBuilder().setName("t").setTaskId(TASK).setAgentId(AGENT)
                .setCommand(CommandInfo.newBuilder().setValue("sleep 600")).build();
        TaskStatus status = TaskStatus.newBuilder().setTaskId(TASK).setState(TaskState.TASK_RUNNING).setUuid(UUID)
                .setSource(TaskStatus.Source.SOURCE_EXECUTOR).setTimestamp(1.5).build();
        Task known = Task.newBuilder().setName("t").setTaskId(TASK).setFrameworkId(FW).setAgentId(AGENT)
                .setState(TaskState.TASK_RUNNING).addStatuses(status).build();
        return List.of(
                AgentMessage.subscribe(AgentInfo.newBuilder().setHostname("h").setId(AGENT).build(), List.of(known, known), List.of(FRAMEWORK)),
                AgentMessage.subscribe(AgentInfo.newBuilder().setHostname("h").build(), List.of(), List.of()),
                AgentMessage.subscribed(AGENT, 15.0),
                AgentMessage.launch(FRAMEWORK, task),
                AgentMessage.kill(FW, TASK, KillPolicy.newBuilder().setGracePeriod(DurationInfo.newBuilder().setNanoseconds(5)).build()),
                AgentMessage.kill(FW, TASK, null),
                AgentMessage.acknowledge(FW, TASK, UUID),
                AgentMessage.shutdownFramework(FW),
                AgentMessage.ping(),
                AgentMessage.pong(AGENT),
                AgentMessage.update(AGENT, FW, status),
                AgentMessage.error("refused: é"));
    }

    @Test
    void everyMessageSurvivesBothEncodingsAndTheyAgree() {
        for (AgentMessage m : samples()) {
            AgentMessage viaProto = AgentMessage.fromProtobuf(m.toProtobufBytes());
            AgentMessage viaJson = AgentMessage.fromJson(m.toJsonBytes());
            assertThat(viaProto).as(m.type().name()).isEqualTo(m);
            assertThat(viaJson).as(m.type().name()).isEqualTo(viaProto);
            for (AgentMessage.Codec c : AgentMessage.Codec.values()) assertThat(c.decode(c.encode(m))).isEqualTo(m);
        }
    }

    @Test
    void aBatchIsRecordIoOfMessagesInOrder() {
        for (AgentMessage.Codec c : AgentMessage.Codec.values()) {
            assertThat(AgentMessage.parseAll(AgentMessage.frameAll(samples(), c), c)).isEqualTo(samples());
        }
        assertThat(AgentMessage.parseAll(new byte[0], AgentMessage.Codec.PROTOBUF)).isEmpty();
    }

    @Test
    void aCallIsABatchByItsContentTypeElseOneMessage() {
        byte[] batch = AgentMessage.frameAll(samples(), AgentMessage.Codec.PROTOBUF);
        assertThat(AgentMessage.parseCall(batch, "application/recordio", "application/x-protobuf")).isEqualTo(samples());
        AgentMessage one = samples().get(0);
        assertThat(AgentMessage.parseCall(one.toJsonBytes(), "application/json", null)).containsExactly(one);
        assertThat(AgentMessage.parseCall(one.toProtobufBytes(), "application/x-protobuf", null)).containsExactly(one);
        assertThat(AgentMessage.isBatch("Application/RecordIO")).isTrue();
        assertThat(AgentMessage.isBatch(null)).isFalse();
    }

    @Test
    void codecFollowsTheMediaType() {
        assertThat(AgentMessage.Codec.forMediaType("application/x-protobuf")).isEqualTo(AgentMessage.Codec.PROTOBUF);
        assertThat(AgentMessage.Codec.forMediaType("application/json; charset=utf-8")).isEqualTo(AgentMessage.Codec.JSON);
        assertThat(AgentMessage.Codec.forMediaType(null)).isEqualTo(AgentMessage.Codec.JSON);
    }

    @Test
    void malformedBinaryIsAReadableError() {
        assertThatThrownBy(() -> AgentMessage.fromProtobuf(new byte[] {8, 99})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown agent message type");
        assertThatThrownBy(() -> AgentMessage.fromProtobuf(new byte[0])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without a type");
        assertThatThrownBy(() -> AgentMessage.fromProtobuf(new byte[] {8, 1, 0x6a, 5, 1})).isInstanceOf(IllegalArgumentException.class);
        // a TaskStatus without its required task_id
        assertThatThrownBy(() -> AgentMessage.fromProtobuf(new byte[] {8, 10, 0x6a, 2, 16, 1})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AgentMessage.parseAll("3\n{}".getBytes(), AgentMessage.Codec.JSON)).isInstanceOf(IllegalArgumentException.class);
    }
}
