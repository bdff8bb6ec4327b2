package fr.cantou.platform.json;

import io.vertx.core.buffer.Buffer;

/** A JSON answer already written (from parts kept in memory): sent as it is, not encoded again. */
public record EncodedJson(Buffer bytes) {}
