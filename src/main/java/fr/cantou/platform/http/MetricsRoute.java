package fr.cantou.platform.http;

import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.metrics.NodeMetrics;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.Supplier;

/**
 * /metrics in Prometheus text, only for the bearer of {@code metrics.token}: figures say how busy
 * a service of health data is, so they are not public. Figures read from the database are
 * refreshed first; if it does not answer, the others are still served.
 */
public final class MetricsRoute implements Handler<RoutingContext> {
  private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final Vertx vertx;
  private final NodeMetrics metrics;
  private final CantouConfig.Metrics settings;
  private final List<Supplier<Future<Void>>> databaseFigures;

  public MetricsRoute(Vertx vertx, NodeMetrics metrics, CantouConfig.Metrics settings, List<Supplier<Future<Void>>> databaseFigures) {
    this.vertx = vertx;
    this.metrics = metrics;
    this.settings = settings;
    this.databaseFigures = List.copyOf(databaseFigures);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!settings.served()) {
      Responses.problem(ctx, ApiException.notFound("No such page."));
      return;
    }
    if (!bearerMatches(ctx.request().getHeader("Authorization"))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"cantou-metrics\"");
      Responses.problem(ctx, new ApiException(401, "The metrics token is required."));
      return;
    }
    Future.join(databaseFigures.stream().map(Supplier::get).toList())
        // Rendering every series is plain CPU work, but long enough not to hold an event loop.
        .transform(refreshed -> vertx.executeBlocking(() -> metrics.scrape().orElse(""), false))
        .onSuccess(text -> ctx.response().putHeader("Content-Type", CONTENT_TYPE).putHeader("Cache-Control", "no-store").end(text))
        .onFailure(ctx::fail);
  }

  /** Compared in constant time: the answer's timing says nothing of how much of the token was right. */
  private boolean bearerMatches(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, settings.token().getBytes(StandardCharsets.UTF_8));
  }
}
