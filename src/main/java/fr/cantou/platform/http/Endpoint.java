package fr.cantou.platform.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Function;

/**
 * Adapts "request → future answer" into a route handler: exceptions thrown while parsing or
 * checking rights and failed futures both become problem documents.
 */
public final class Endpoint {
  private Endpoint() {}

  public static Handler<RoutingContext> ok(Function<RoutingContext, Future<?>> action) {
    return json(200, action);
  }

  public static Handler<RoutingContext> created(Function<RoutingContext, Future<?>> action) {
    return json(201, action);
  }

  public static Handler<RoutingContext> noContent(Function<RoutingContext, Future<?>> action) {
    return ctx -> run(ctx, action).onSuccess(v -> Responses.noContent(ctx));
  }

  public static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<?>> action) {
    return ctx -> run(ctx, action).onSuccess(body -> Responses.json(ctx, status, body));
  }

  private static Future<?> run(RoutingContext ctx, Function<RoutingContext, Future<?>> action) {
    RequestLog.remember(ctx);
    Future<?> result;
    try {
      result = action.apply(ctx);
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    return result.onFailure(e -> {
      if (!ctx.response().ended()) {
        ctx.fail(e);
      }
    });
  }
}
