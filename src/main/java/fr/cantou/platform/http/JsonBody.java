package fr.cantou.platform.http;

import fr.cantou.platform.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;

/** A request's JSON body read into a record by the one strict mapper ({@link Json}). */
public final class JsonBody {
  private JsonBody() {}

  /** Reads the (already schema-validated) body into a record; a mismatch is a 400 naming the field. */
  public static <T> T read(RoutingContext ctx, Class<T> type) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw ApiException.badRequest("A JSON request body is required.");
    }
    try {
      return Json.mapper().readValue(buffer.getBytes(), type);
    } catch (com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException e) {
      throw ApiException.badRequest("Unknown field '{0}'.", e.getPropertyName());
    } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
      throw refusal(e);
    } catch (IOException e) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
  }

  /**
   * A value the mapper could not read, said by what is expected there (a date and time, a number…): Jackson's own
   * message is English and names Java types ("java.time.OffsetDateTime"), for nobody outside.
   */
  static ApiException refusal(com.fasterxml.jackson.databind.JsonMappingException e) {
    ProblemTexts.Phrase expected = e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mismatch
        ? expected(mismatch.getTargetType()) : null;
    return expected == null ? ApiException.badRequest("Invalid field '{0}'.", path(e))
        : ApiException.badRequest("Invalid field '{0}': {1}", path(e), expected);
  }

  /** The kind of value a Java type is read from, in the words the contract's refusals use. */
  static ProblemTexts.Phrase expected(Class<?> type) {
    if (type == null) {
      return null;
    }
    if (type == OffsetDateTime.class || type == ZonedDateTime.class || type == Instant.class || type == LocalDateTime.class) {
      return SchemaRefusal.formatted("date-time");
    }
    if (type == LocalDate.class) {
      return SchemaRefusal.formatted("date");
    }
    if (type == LocalTime.class) {
      return new ProblemTexts.Phrase("a time such as 09:30.");
    }
    if (type == UUID.class) {
      return SchemaRefusal.formatted("uuid");
    }
    Class<?> boxed = type.isPrimitive() ? java.lang.invoke.MethodType.methodType(type).wrap().returnType() : type;
    String json = boxed == Integer.class || boxed == Long.class || boxed == Short.class || boxed == BigInteger.class
        ? "integer" : Number.class.isAssignableFrom(boxed) ? "number" : boxed == Boolean.class ? "boolean"
        : CharSequence.class.isAssignableFrom(boxed) || boxed == Character.class ? "string"
        : Collection.class.isAssignableFrom(boxed) || boxed.isArray() ? "array"
        : Map.class.isAssignableFrom(boxed) || boxed.isRecord() ? "object" : null;
    return json == null ? null : SchemaRefusal.typed(json);
  }

  private static String path(com.fasterxml.jackson.databind.JsonMappingException e) {
    StringBuilder sb = new StringBuilder();
    for (com.fasterxml.jackson.databind.JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (!sb.isEmpty()) {
          sb.append('.');
        }
        sb.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.isEmpty() ? "(body)" : sb.toString();
  }
}
