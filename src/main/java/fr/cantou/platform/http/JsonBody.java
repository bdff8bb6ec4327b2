package fr.cantou.platform.http;

import fr.cantou.platform.json.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;

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
      throw ApiException.badRequest("Invalid field '{0}': {1}", path(e), e.getOriginalMessage());
    } catch (IOException e) {
      throw ApiException.badRequest("The request body is not valid JSON.");
    }
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
