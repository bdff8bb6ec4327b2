package fr.cantou.realtime;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A feature's handling of one type of message a client sends after hello (e.g. "call"). */
public interface ClientMessageHandler {
  /** The message's "type". */
  String type();

  /** Fails with an ApiException to answer an error frame; the socket stays open. */
  Future<Void> handle(Viewer viewer, JsonObject message);
}
