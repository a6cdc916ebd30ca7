package io.strata.it.support;

/** The two media types of the Mesos v1 HTTP APIs. */
public enum Encoding {
    JSON("application/json"),
    PROTOBUF("application/x-protobuf");

    public final String mediaType;

    Encoding(String mediaType) {
        this.mediaType = mediaType;
    }
}
