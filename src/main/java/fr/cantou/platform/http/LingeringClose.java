package fr.cantou.platform.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * The close of a connection whose request was answered before its body was read (a refused upload): what is left of
 * the body is read and dropped, then the connection closes — at its end, or after {@link #LINGER_MILLIS} at most.
 * Closed with data unread, the kernel answers the client's next bytes with a reset, and a reset can destroy the
 * answer before the client has read it: the nurse would see "connexion perdue" instead of the 413 that says why.
 * Apache's and nginx's lingering close, for the same reason.
 */
final class LingeringClose {
  /** Long enough for a file on a good link to finish, short enough that a slow or endless sender holds nothing. */
  static final long LINGER_MILLIS = 2_000;

  private LingeringClose() {}

  static void after(Vertx vertx, HttpServerRequest request) {
    after(vertx, request, LINGER_MILLIS);
  }

  static void after(Vertx vertx, HttpServerRequest request, long lingerMillis) {
    HttpConnection connection = request.connection();
    long timer = vertx.setTimer(lingerMillis, t -> connection.close());
    Runnable close = () -> {
      vertx.cancelTimer(timer);
      connection.close();
    };
    request.handler(dropped -> {});
    request.exceptionHandler(e -> close.run());
    request.endHandler(v -> close.run());
    request.resume();
  }
}
