package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The server's time on every answer (the web's {@code Date} header), from the platform's clock: the pages decide the
 * opening of a room by it, not by the device's clock alone (a mairie's PC 20 minutes slow kept "Rejoindre la visio"
 * disabled while the room was open). Not on a WebSocket's upgrade. Written as the headers go, after whatever set one before (the static pages').
 */
public final class ServerDate implements Handler<RoutingContext> {
  private final Clock clock;

  public ServerDate(Clock clock) {
    this.clock = clock;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (SocketUpgrade.is(ctx)) {
      // Vert.x keeps a socket's 101 headers for its life, and no page reads them (see SecurityHeaders).
      ctx.next();
      return;
    }
    ctx.addHeadersEndHandler(v -> ctx.response().headers().set(HttpHeaders.DATE,
        DateTimeFormatter.RFC_1123_DATE_TIME.format(clock.instant().atOffset(ZoneOffset.UTC))));
    ctx.next();
  }
}
