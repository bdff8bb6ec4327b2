package fr.cantou.platform.http;

import fr.cantou.platform.json.Json;
import fr.cantou.platform.log.RequestId;
import fr.cantou.platform.json.EncodedJson;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers; every route answers through here so headers stay consistent. */
public final class Responses {
  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    HttpServerResponse response = ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store");
    if (body instanceof EncodedJson kept && acceptsGzip(ctx.request())) {
      // Already compressed (once, kept with the answer): the server's compressor lets an encoded body through.
      response.putHeader("Content-Encoding", "gzip").putHeader("Vary", "Accept-Encoding").end(kept.gzipped());
      return;
    }
    response.end(Json.encode(body));
  }

  /**
   * Whether the answer may be sent gzip-compressed as it is: over HTTP/1.x (HTTP/2's compressor
   * would compress a body marked gzip again) to a client that accepts gzip ({@code q} not 0).
   */
  static boolean acceptsGzip(HttpServerRequest request) {
    String accepted = request.getHeader("Accept-Encoding");
    if (accepted == null || request.version() == HttpVersion.HTTP_2) {
      return false;
    }
    for (String coding : accepted.split(",")) {
      String[] parts = coding.split(";");
      if ("gzip".equalsIgnoreCase(parts[0].trim())) {
        for (int i = 1; i < parts.length; i++) {
          String parameter = parts[i].trim().replace(" ", "").toLowerCase(java.util.Locale.ROOT);
          if (parameter.startsWith("q=")) {
            try {
              return Double.parseDouble(parameter.substring(2)) > 0;
            } catch (NumberFormatException e) {
              return false;
            }
          }
        }
        return true;
      }
    }
    return false;
  }

  public static void ok(RoutingContext ctx, Object body) {
    json(ctx, 200, body);
  }

  public static void created(RoutingContext ctx, Object body) {
    json(ctx, 201, body);
  }

  public static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end();
  }

  /** A refusal in the client's language. */
  public static void problem(RoutingContext ctx, ApiException refusal) {
    problem(ctx, Problem.of(refusal, ProblemTexts.languageOf(ctx)));
  }

  public static void problem(RoutingContext ctx, Problem problem) {
    ctx.response()
        .setStatusCode(problem.status())
        .putHeader("Content-Type", Problem.MEDIA_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(problem.toJson().put("requestId", RequestId.of(ctx)).toBuffer());
  }
}
