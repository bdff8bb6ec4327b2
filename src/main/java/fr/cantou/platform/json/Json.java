package fr.cantou.platform.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;

/**
 * The one Jackson mapper: strict on input (unknown fields refused), ISO-8601 times on output.
 * A request body is read into a record by {@link fr.cantou.platform.http.JsonBody}.
 */
public final class Json {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new io.vertx.core.json.jackson.VertxModule())
      .addModule(new JavaTimeModule())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .build();

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static Buffer encode(Object value) {
    if (value instanceof EncodedJson encoded) {
      return encoded.bytes();
    }
    if (value instanceof JsonObject object) {
      return object.toBuffer();
    }
    if (value instanceof JsonArray array) {
      return array.toBuffer();
    }
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
    }
  }

  public static JsonNode strictTree(byte[] bytes) throws JsonProcessingException {
    try {
      return MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
