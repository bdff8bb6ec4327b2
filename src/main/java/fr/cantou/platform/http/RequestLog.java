package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request: method, path template (never the concrete path, which may hold
 * ids or tokens), status ({@code cut} for a connection closed before its answer) and duration; none for a WebSocket's
 * upgrade.
 */
public final class RequestLog implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("cantou.access");
  private static final String TEMPLATE = "cantou.pathTemplate";

  @Override
  public void handle(RoutingContext ctx) {
    if (SocketUpgrade.is(ctx)) {
      // A WebSocket's 101 ends no response, so an end handler would never run (no line was ever
      // written for /ws) and would keep this request's routing context for the socket's life.
      ctx.next();
      return;
    }
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      long micros = (System.nanoTime() - start) / 1_000;
      if (LOG.isInfoEnabled()) {
        // Cut before any answer (the client gone, the idle timeout, a reset): the status set meanwhile was never sent.
        Object status = done.succeeded() && ctx.response().ended() ? ctx.response().getStatusCode() : "cut";
        LOG.info("method={} path={} status={} durationMs={}", ctx.request().method(), template(ctx), status,
            millis(micros));
      }
    });
    ctx.next();
  }

  /** "12.045": milliseconds with three decimals (String.format was 2 % of a booking's time on the event loop). */
  static String millis(long micros) {
    long fraction = micros % 1000;
    return (micros / 1000) + (fraction < 10 ? ".00" : fraction < 100 ? ".0" : ".") + fraction;
  }

  /** Called from inside the matched route (sub-routers restore the outer route afterwards). */
  public static void remember(RoutingContext ctx) {
    if (ctx.get(TEMPLATE) == null && ctx.currentRoute() != null && ctx.currentRoute().getPath() != null
        && !ctx.currentRoute().getPath().endsWith("/")) {
      ctx.put(TEMPLATE, template(ctx));
    }
  }

  /** A request answered before any route with a path, said so instead of by its path. */
  static void rememberAs(RoutingContext ctx, String template) {
    ctx.put(TEMPLATE, template);
  }

  static String template(RoutingContext ctx) {
    String remembered = ctx.get(TEMPLATE);
    if (remembered != null) {
      return remembered;
    }
    if (ctx.currentRoute() != null && ctx.currentRoute().getPath() != null && !ctx.currentRoute().getPath().endsWith("/")) {
      String mount = ctx.mountPoint() == null ? "" : ctx.mountPoint();
      if (mount.endsWith("/")) {
        mount = mount.substring(0, mount.length() - 1);
      }
      return mount + ctx.currentRoute().getPath();
    }
    String path = ctx.normalizedPath();
    return path.startsWith("/api/") ? "/api/(unmatched)" : path.length() > 64 ? path.substring(0, 64) : path;
  }
}
