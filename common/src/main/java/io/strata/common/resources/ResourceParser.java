package io.strata.common.resources;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Resource.ReservationInfo;
import org.apache.mesos.v1.Protos.Value;

/** Reads the {@code --resources} text syntax and its JSON-array alternative into raw entries. */
final class ResourceParser {
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final ObjectMapper JSON = new ObjectMapper();

  private ResourceParser() {}

  static List<Resource> parse(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("No resources given");
    }
    String s = spec.strip();
    if (s.isEmpty()) {
      return List.of();
    }
    return s.startsWith("[") ? parseJson(s) : parseText(s);
  }

  private static List<Resource> parseText(String spec) {
    List<Resource> out = new ArrayList<>();
    for (String raw : spec.split(";")) {
      String token = raw.strip();
      if (!token.isEmpty()) {
        out.add(parseToken(token));
      }
    }
    return out;
  }

  /** One {@code name(role):value}. */
  private static Resource parseToken(String token) {
    int open = token.indexOf('(');
    int colon = token.indexOf(':');
    String name;
    String role = null;
    int valueStart;
    if (open >= 0 && (colon < 0 || open < colon)) {
      int close = token.indexOf(')', open);
      if (close < 0) {
        throw new IllegalArgumentException("Missing ')' after the role in '" + token + "'");
      }
      name = token.substring(0, open).strip();
      role = token.substring(open + 1, close).strip();
      String rest = token.substring(close + 1).strip();
      if (!rest.startsWith(":")) {
        throw new IllegalArgumentException("Expected ':' after '" + token.substring(0, close + 1) + "' in '" + token + "'");
      }
      valueStart = token.indexOf(':', close);
    } else if (colon >= 0) {
      name = token.substring(0, colon).strip();
      valueStart = colon;
    } else {
      throw new IllegalArgumentException("Expected 'name:value' but got '" + token + "'");
    }
    if (name.isEmpty()) {
      throw new IllegalArgumentException("Missing resource name in '" + token + "'");
    }
    if (role != null && role.isEmpty()) {
      throw new IllegalArgumentException("Empty role in '" + token + "'");
    }
    Resource.Builder b = Resource.newBuilder().setName(name);
    setValue(b, name, token.substring(valueStart + 1).strip());
    if (role != null && !role.equals("*")) {
      b.addReservations(ReservationInfo.newBuilder().setType(ReservationInfo.Type.STATIC).setRole(role));
    }
    return b.buildPartial();
  }

  private static void setValue(Resource.Builder b, String name, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException("Missing value for resource '" + name + "'");
    }
    if (value.startsWith("[")) {
      if (!value.endsWith("]")) {
        throw new IllegalArgumentException("Missing ']' in the ranges of resource '" + name + "': " + value);
      }
      Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
      String inner = value.substring(1, value.length() - 1).strip();
      if (!inner.isEmpty()) {
        for (String part : inner.split(",")) {
          ranges.addRange(parseRange(name, part.strip()));
        }
      }
      b.setType(Value.Type.RANGES).setRanges(ranges);
    } else if (value.startsWith("{")) {
      if (!value.endsWith("}")) {
        throw new IllegalArgumentException("Missing '}' in the set of resource '" + name + "': " + value);
      }
      Value.Set.Builder set = Value.Set.newBuilder();
      String inner = value.substring(1, value.length() - 1).strip();
      if (!inner.isEmpty()) {
        for (String item : inner.split(",")) {
          if (item.isBlank()) {
            throw new IllegalArgumentException("Empty item in the set of resource '" + name + "': " + value);
          }
          set.addItem(item.strip());
        }
      }
      b.setType(Value.Type.SET).setSet(set);
    } else {
      if (!NUMBER.matcher(value).matches()) {
        throw new IllegalArgumentException("Invalid scalar value '" + value + "' for resource '" + name + "'");
      }
      b.setType(Value.Type.SCALAR).setScalar(Value.Scalar.newBuilder().setValue(Double.parseDouble(value)));
    }
  }

  private static Value.Range parseRange(String name, String part) {
    int dash = part.indexOf('-', 1);
    try {
      long begin = Long.parseLong((dash < 0 ? part : part.substring(0, dash)).strip());
      long end = dash < 0 ? begin : Long.parseLong(part.substring(dash + 1).strip());
      return Value.Range.newBuilder().setBegin(begin).setEnd(end).build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid range '" + part + "' for resource '" + name + "'");
    }
  }

  private static List<Resource> parseJson(String spec) {
    JsonNode root;
    try {
      root = JSON.readTree(spec);
    } catch (Exception e) {
      throw new IllegalArgumentException("Resources are not valid JSON: " + e.getMessage());
    }
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("JSON resources must be an array of Resource objects");
    }
    List<Resource> out = new ArrayList<>();
    for (JsonNode element : root) {
      if (!element.isObject()) {
        throw new IllegalArgumentException("JSON resources must be objects, got: " + element);
      }
      Resource.Builder b = Resource.newBuilder();
      try {
        JsonFormat.parser().merge(element.toString(), b);
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalArgumentException("Invalid JSON resource " + element + ": " + e.getMessage());
      }
      if (!b.hasType()) {
        if (b.hasScalar()) {
          b.setType(Value.Type.SCALAR);
        } else if (b.hasRanges()) {
          b.setType(Value.Type.RANGES);
        } else if (b.hasSet()) {
          b.setType(Value.Type.SET);
        }
      }
      out.add(b.buildPartial());
    }
    return out;
  }
}
