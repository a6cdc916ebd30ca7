package io.strata.agent.resources;

import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.Value;

/**
 * Mesos {@code --attributes}: {@code name:value} pairs separated by {@code ;}. A value is a SCALAR when it is a
 * number, RANGES when written {@code [a-b,c-d]}, a SET when written {@code {a,b}}, and TEXT otherwise.
 */
public final class Attributes {
    private Attributes() {}

    public static List<Attribute> parse(String spec) {
        List<Attribute> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) return out;
        for (String entry : spec.split(";")) {
            String e = entry.trim();
            if (e.isEmpty()) continue;
            int colon = e.indexOf(':');
            if (colon <= 0) throw new IllegalArgumentException("bad attribute '" + e + "': expected name:value");
            String name = e.substring(0, colon).trim();
            String value = e.substring(colon + 1).trim();
            if (name.isEmpty() || value.isEmpty()) throw new IllegalArgumentException("bad attribute '" + e + "': expected name:value");
            out.add(attribute(name, value));
        }
        return out;
    }

    static Attribute attribute(String name, String value) {
        Attribute.Builder a = Attribute.newBuilder().setName(name);
        if (value.startsWith("[") && value.endsWith("]")) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            for (String part : value.substring(1, value.length() - 1).split(",")) {
                String p = part.trim();
                if (p.isEmpty()) continue;
                String[] be = p.split("-", 2);
                try {
                    long b = Long.parseLong(be[0].trim());
                    long en = be.length == 2 ? Long.parseLong(be[1].trim()) : b;
                    if (b > en) throw new IllegalArgumentException("bad range '" + p + "' in attribute " + name);
                    ranges.addRange(Value.Range.newBuilder().setBegin(b).setEnd(en));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("bad range '" + p + "' in attribute " + name);
                }
            }
            return a.setType(Value.Type.RANGES).setRanges(ranges).build();
        }
        if (value.startsWith("{") && value.endsWith("}")) {
            Value.Set.Builder set = Value.Set.newBuilder();
            for (String item : value.substring(1, value.length() - 1).split(",")) {
                if (!item.isBlank()) set.addItem(item.trim());
            }
            return a.setType(Value.Type.SET).setSet(set).build();
        }
        if (value.matches("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
            return a.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(value))).build();
        }
        return a.setType(Value.Type.TEXT).setText(Value.Text.newBuilder().setValue(value)).build();
    }

    /** A public agent carries {@code public_ip:true}, as DC/OS public agents do. */
    public static List<Attribute> withPublicIp(List<Attribute> attributes) {
        List<Attribute> out = new ArrayList<>();
        for (Attribute a : attributes) if (!a.getName().equals("public_ip")) out.add(a);
        out.add(attribute("public_ip", "true"));
        return out;
    }
}
