package fr.cantou.platform.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops Micrometer's "This Gauge has been already registered" for Vert.x's own gauges. Vert.x registers a gauge again at
 * each connection and keeps the one count behind it (vertx-micrometer-metrics issue 259, Micrometer issue 6931): the
 * figures are right, and the line, at WARN on every start, told an operator something was wrong. Any other meter
 * registered twice (Cantou's own) is still said.
 */
public final class VertxGaugesRegisteredAgain extends TurboFilter {
  private static final String REGISTRY = "io.micrometer.core.instrument.MeterRegistry";
  private static final String SAID = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    return format != null && format.startsWith(SAID) && REGISTRY.equals(logger.getName()) ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
