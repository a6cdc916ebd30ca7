package io.strata.common.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;

/**
 * Protobuf to and from JSON the way Mesos does it: proto field names (snake_case), enums by name,
 * unknown fields ignored on input.
 */
public final class ProtoJson {
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private ProtoJson() {}

    public static String print(MessageOrBuilder message) {
        try {
            return PRINTER.print(message);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
        }
    }

    public static JsonNode tree(MessageOrBuilder message) {
        return Json.read(print(message));
    }

    /** Parses JSON into the builder; throws IllegalArgumentException with a readable reason on bad input. */
    @SuppressWarnings("unchecked")
    public static <B extends Message.Builder> B parse(String json, B builder) {
        try {
            PARSER.merge(json, builder);
            return builder;
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            throw new IllegalArgumentException(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    public static <B extends Message.Builder> B parse(JsonNode json, B builder) {
        return parse(json.toString(), builder);
    }
}
