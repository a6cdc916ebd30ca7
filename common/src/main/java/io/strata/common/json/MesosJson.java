package io.strata.common.json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Label;

/** Pieces of Mesos' legacy state JSON ({@code /master/state}, the agent's {@code /state}) that both daemons render. */
public final class MesosJson {
    private MesosJson() {}

    /** Attributes as a map: text as is, scalars as numbers, ranges as "[a-b, c-d]", sets as "{a,b}". */
    public static ObjectNode attributes(List<Attribute> attributes) {
        ObjectNode o = Json.object();
        for (Attribute a : attributes) {
            switch (a.getType()) {
                case SCALAR -> o.put(a.getName(), a.getScalar().getValue());
                case TEXT -> o.put(a.getName(), a.getText().getValue());
                case RANGES -> {
                    List<String> parts = new ArrayList<>();
                    for (var r : a.getRanges().getRangeList()) parts.add(r.getBegin() + "-" + r.getEnd());
                    o.put(a.getName(), "[" + String.join(", ", parts) + "]");
                }
                case SET -> o.put(a.getName(), "{" + String.join(",", a.getSet().getItemList()) + "}");
                default -> { }
            }
        }
        return o;
    }

    /** Labels as a list of {"key","value"} objects. */
    public static ArrayNode labels(List<Label> labels) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (Label l : labels) a.add(ProtoJson.tree(l));
        return a;
    }
}
