package fr.cantou.platform.log;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import io.vertx.ext.web.RoutingContext;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The id of the request being served: the caller's X-Request-Id when well formed (a proxy's,
 * to follow a request across both logs), else a new one; echoed in the response header.
 * It is kept in the request's Vert.x context, not in the MDC: a request hops between threads
 * (database answers, worker pools) but its continuations run on its own duplicated context,
 * so every log line written on its behalf finds it there. A Vert.x service provider, because
 * context locals must be registered before any Vert.x instance is built.
 */
public final class RequestId implements VertxServiceProvider, Handler<RoutingContext> {
  public static final String HEADER = "X-Request-Id";
  private static final ContextLocal<String> LOCAL = ContextLocal.registerLocal(String.class);
  private static final String KEY = "cantou.requestId";
  /** Letters, digits and a few separators: no spaces or quotes that could forge a log line. */
  private static final Pattern WELL_FORMED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  @Override
  public void init(VertxBootstrap builder) {
    // Nothing to set up: loading this class registers the context local.
  }

  @Override
  public void handle(RoutingContext ctx) {
    String given = ctx.request().getHeader(HEADER);
    String id = given != null && WELL_FORMED.matcher(given).matches() ? given : generate();
    ctx.put(KEY, id);
    Context context = Vertx.currentContext();
    if (context != null) {
      LOCAL.put(context, id);
    }
    ctx.response().putHeader(HEADER, id);
    ctx.next();
  }

  /** The id of this request, or null outside one. */
  public static String of(RoutingContext ctx) {
    return ctx.get(KEY);
  }

  /** The id of the request the current thread works for, or null (start-up, jobs, other threads). */
  public static String current() {
    Context context = Vertx.currentContext();
    return context == null ? null : LOCAL.get(context);
  }

  private static String generate() {
    byte[] random = new byte[12];
    RANDOM.nextBytes(random);
    return HexFormat.of().formatHex(random);
  }
}
