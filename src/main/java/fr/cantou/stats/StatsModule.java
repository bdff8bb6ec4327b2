package fr.cantou.stats;

import fr.cantou.platform.CantouModule;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiModule;

import java.util.List;

/** The département's figures on a node, built once: the overview and its CSV export, for admins. */
public final class StatsModule implements CantouModule {
  private final StatsRoutes routes;

  public StatsModule(Platform platform) {
    this.routes = new StatsRoutes(new StatsService(platform, new StatsStore()));
  }

  @Override
  public List<ApiModule> routes() {
    return List.of(routes);
  }
}
