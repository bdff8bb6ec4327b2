package fr.cantou.stats;

import fr.cantou.identity.CurrentUser;
import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ApiModule;
import fr.cantou.platform.http.Endpoint;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/** HTTP adapter of the statistics. */
public final class StatsRoutes implements ApiModule {
  private final StatsService stats;

  StatsRoutes(StatsService stats) {
    this.stats = stats;
  }

  @Override
  public void mount(RouterBuilder api) {
    api.getRoute("statsOverview").addHandler(Endpoint.ok(ctx ->
        stats.overview(CurrentUser.require(ctx), date(ctx, "from"), date(ctx, "to"))));
    api.getRoute("statsCsv").addHandler(Endpoint.answer(ctx ->
        stats.csv(CurrentUser.require(ctx), date(ctx, "from"), date(ctx, "to")),
        (ctx, csv) -> ctx.response().putHeader("Content-Type", "text/csv; charset=utf-8")
            .putHeader("Content-Disposition", "attachment; filename=\"cantou-statistiques.csv\"")
            .putHeader("Cache-Control", "no-store")
            .end("\uFEFF" + csv)));
  }

  private static LocalDate date(RoutingContext ctx, String name) {
    try {
      return LocalDate.parse(ctx.queryParams().get(name));
    } catch (DateTimeParseException | NullPointerException e) {
      throw ApiException.badRequest("Invalid query parameter '{0}': a date such as 2026-12-01.", name);
    }
  }
}
