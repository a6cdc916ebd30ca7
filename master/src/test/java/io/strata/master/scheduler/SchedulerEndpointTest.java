package io.strata.master.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.strata.master.stream.EventStream;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.Test;

class SchedulerEndpointTest {
    private static final FrameworkInfo INFO = FrameworkInfo.newBuilder().setUser("u").setName("n").build();

    @Test
    void subscribeNeedsItsBodyAndMatchingIds() {
        assertThat(SchedulerEndpoint.validate(Call.newBuilder().setType(Call.Type.SUBSCRIBE).build()))
                .isEqualTo("Expecting 'subscribe' to be present");
        Call ok = Call.newBuilder().setType(Call.Type.SUBSCRIBE)
                .setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(INFO)).build();
        assertThat(SchedulerEndpoint.validate(ok)).isNull();
        Call mismatch = ok.toBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("x")).build();
        assertThat(SchedulerEndpoint.validate(mismatch)).isEqualTo("'framework_id' differs from 'subscribe.framework_info.id'");
    }

    @Test
    void otherCallsNeedAFrameworkIdAndTheirBody() {
        assertThat(SchedulerEndpoint.validate(Call.newBuilder().setType(Call.Type.ACCEPT).build()))
                .isEqualTo("Expecting 'framework_id' to be present");
        Call.Builder b = Call.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f"));
        assertThat(SchedulerEndpoint.validate(b.clone().setType(Call.Type.ACCEPT).build())).isEqualTo("Expecting 'accept' to be present");
        assertThat(SchedulerEndpoint.validate(b.clone().setType(Call.Type.KILL).build())).isEqualTo("Expecting 'kill' to be present");
        assertThat(SchedulerEndpoint.validate(b.clone().setType(Call.Type.RECONCILE).build())).isEqualTo("Expecting 'reconcile' to be present");
        assertThat(SchedulerEndpoint.validate(b.clone().setType(Call.Type.TEARDOWN).build())).isNull();
        assertThat(SchedulerEndpoint.validate(b.clone().setType(Call.Type.REVIVE).build())).isNull();
        assertThat(SchedulerEndpoint.validate(Call.newBuilder().build())).isEqualTo("Expecting 'type' to be present");
    }

    @Test
    void acknowledgementsCarryASixteenByteUuid() {
        Call.Builder b = Call.newBuilder().setFrameworkId(FrameworkID.newBuilder().setValue("f")).setType(Call.Type.ACKNOWLEDGE);
        Call.Acknowledge.Builder ack = Call.Acknowledge.newBuilder()
                .setAgentId(org.apache.mesos.v1.Protos.AgentID.newBuilder().setValue("a"))
                .setTaskId(org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue("t"));
        assertThat(SchedulerEndpoint.validate(b.clone().setAcknowledge(ack.clone().setUuid(ByteString.copyFrom(new byte[3]))).build()))
                .startsWith("Invalid UUID");
        assertThat(SchedulerEndpoint.validate(b.clone().setAcknowledge(ack.clone().setUuid(ByteString.copyFrom(new byte[16]))).build()))
                .isNull();
    }

    @Test
    void acceptHeaderPicksJsonFirstAsMesosDoes() {
        assertThat(SchedulerEndpoint.acceptEncoding(null)).isEqualTo(EventStream.Encoding.JSON);
        assertThat(SchedulerEndpoint.acceptEncoding("*/*")).isEqualTo(EventStream.Encoding.JSON);
        assertThat(SchedulerEndpoint.acceptEncoding("application/x-protobuf")).isEqualTo(EventStream.Encoding.PROTOBUF);
        assertThat(SchedulerEndpoint.acceptEncoding("application/json; charset=utf-8")).isEqualTo(EventStream.Encoding.JSON);
        assertThat(SchedulerEndpoint.acceptEncoding("text/html")).isNull();
    }
}
