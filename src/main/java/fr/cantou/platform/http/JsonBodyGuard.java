package fr.cantou.platform.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import fr.cantou.platform.json.Json;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Before validation: a body must be JSON, in valid UTF-8, without duplicate keys. The
 * validator would otherwise decode bad bytes into replacement characters and store them.
 */
public final class JsonBodyGuard implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
    boolean hasBody = body != null && body.length() > 0;
    if (!hasBody || !(method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH)) {
      ctx.next();
      return;
    }
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      ctx.fail(new ApiException(415, "The request body must be JSON, sent with Content-Type: application/json."));
      return;
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body.getBytes()));
    } catch (CharacterCodingException e) {
      ctx.fail(ApiException.badRequest("The request body is not valid UTF-8."));
      return;
    }
    try {
      Json.strictTree(body.getBytes());
    } catch (JsonProcessingException e) {
      ctx.fail(invalidJson(e));
      return;
    }
    ctx.next();
  }

  private static final java.util.regex.Pattern DUPLICATE = java.util.regex.Pattern.compile("^Duplicate field '(.*)'");

  /** Where the JSON breaks, and which field is given twice when that is why (the parser's English helps nobody). */
  private static ApiException invalidJson(JsonProcessingException e) {
    java.util.regex.Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
    String twice = duplicate.find() ? duplicate.group(1) : null;
    if (e.getLocation() == null) {
      return twice == null ? ApiException.badRequest("The request body is not valid JSON.")
          : ApiException.badRequest("The request body is not valid JSON: the field '{0}' is given twice.", twice);
    }
    int line = e.getLocation().getLineNr();
    int column = e.getLocation().getColumnNr();
    return twice == null ? ApiException.badRequest("The request body is not valid JSON (line {0}, column {1}).", line, column)
        : ApiException.badRequest("The request body is not valid JSON (line {0}, column {1}): the field '{2}' is given twice.",
            line, column, twice);
  }
}
