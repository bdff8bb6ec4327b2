package fr.cantou.platform.http;

import fr.cantou.platform.json.Json;
import fr.cantou.platform.log.RequestId;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

/** Writes JSON answers; every route answers through here so headers stay consistent. */
public final class Responses {
  private Responses() {}

  public static void json(RoutingContext ctx, int status, Object body) {
    Buffer buffer = Json.encode(body);
    ctx.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(buffer);
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
