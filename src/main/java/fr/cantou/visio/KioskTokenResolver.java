package fr.cantou.visio;

import fr.cantou.realtime.Identified;
import fr.cantou.realtime.Viewer;
import fr.cantou.realtime.ViewerResolver;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * A point's screen says hello on the WebSocket with its device token: its viewer is the screen,
 * which hears only the events addressed to it ({@link VisioEvents#KIOSK}: the appointments it
 * checked in, as its GET shows them). No end of its own: it lasts until the screen is revoked,
 * which closes its sockets on every node ({@link VisioEvents#screenRevoked}).
 */
final class KioskTokenResolver implements ViewerResolver {
  private final KioskService kiosks;

  KioskTokenResolver(KioskService kiosks) {
    this.kiosks = kiosks;
  }

  @Override
  public Future<Optional<Identified>> resolve(String token) {
    return kiosks.socketOf(token).map(screen -> screen.map(id -> new Identified(Viewer.ofDevice(id), null, null)));
  }
}
