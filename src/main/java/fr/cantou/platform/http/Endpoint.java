package fr.cantou.platform.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * Adapts "request → future answer" into a route handler: exceptions thrown while parsing or
 * checking rights and failed futures both become problem documents. Every handler of a feature's
 * routes goes through it ({@code ArchitectureTest}), but for a body streamed as it is read or
 * an answer written as it is read from the database.
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

  /**
   * For an answer that is not a JSON body with a fixed status (a file, a CSV, 204 when nothing was
   * found): {@code answer} writes the response from what the action found.
   */
  @SuppressWarnings("unchecked")
  public static <T> Handler<RoutingContext> answer(Function<RoutingContext, Future<T>> action,
                                                   BiConsumer<RoutingContext, T> answer) {
    return ctx -> run(ctx, action::apply).onSuccess(result -> answer.accept(ctx, (T) result));
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
