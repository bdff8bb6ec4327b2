package fr.cantou.platform.http;

import io.vertx.ext.web.RoutingContext;

/**
 * The WebSocket's handshake: a GET of {@link #PATH} asking for the upgrade. Only it goes without
 * the page policies and the access line (its 101 ends no response); any other request dressed
 * with the upgrade headers is an ordinary request and gets both.
 */
public final class SocketUpgrade {
  public static final String PATH = "/ws";

  private SocketUpgrade() {}

  public static boolean is(RoutingContext ctx) {
    // A malformed address is no handshake, and its path cannot be normalized (MalformedAddress answers it).
    return MalformedAddress.wellFormed(ctx.request().uri()) && PATH.equals(ctx.normalizedPath())
        && ctx.request().canUpgradeToWebSocket();
  }
}
