package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The close of a connection whose request was answered before its body had all come (a refused upload, a body over
 * the limit, a route that reads none): the answer says {@code Connection: close}, what is left of the body is read
 * and dropped, then the connection closes — at its end, or after {@link #LINGER_MILLIS} at most. Closed at once with
 * data unread, the kernel answers the client's next bytes with a reset, and a reset can destroy the answer before
 * the client has read it: the nurse would see "connexion perdue" instead of the 413 that says why. Kept open, a
 * body that never ends (chunked) was read for as long as its sender went on. Apache's and nginx's lingering close.
 */
public final class LingeringClose implements Handler<RoutingContext> {
  /** Long enough for a file on a good link to finish, short enough that a slow or endless sender holds nothing. */
  static final long LINGER_MILLIS = 2_000;

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.headers().contains(HttpHeaders.UPGRADE)) {
      // A WebSocket's opening has no body; after it, the connection is the socket's.
      ctx.next();
      return;
    }
    ctx.addHeadersEndHandler(v -> {
      if (!request.isEnded()) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
      }
    });
    ctx.addEndHandler(v -> {
      if (!request.isEnded()) {
        after(ctx.vertx(), request, LINGER_MILLIS);
      }
    });
    ctx.next();
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
