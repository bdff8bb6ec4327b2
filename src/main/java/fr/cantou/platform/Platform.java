package fr.cantou.platform;

import fr.cantou.platform.config.CantouConfig;
import fr.cantou.platform.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.time.Clock;

/** What every feature of a node shares: Vert.x, the database pool, the settings, the clock and the figures. */
public record Platform(Vertx vertx, Pool pool, CantouConfig config, Clock clock, NodeMetrics metrics) {}
