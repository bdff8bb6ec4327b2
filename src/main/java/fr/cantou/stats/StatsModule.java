package fr.cantou.stats;

import fr.cantou.platform.Platform;

/** The département's figures on a node, built once: the overview and its CSV export, for admins. */
public final class StatsModule {
  public final StatsRoutes routes;

  public StatsModule(Platform platform) {
    this.routes = new StatsRoutes(new StatsService(platform, new StatsStore()));
  }
}
