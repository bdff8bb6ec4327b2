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
    if (request.headers().contains(HttpHeaders.UPGRADE) || !hasBody(request)) {
      // Nothing can be left unread. A request without a body (a GET) may still read as not ended when it is answered
      // (the router holds a request back until a handler reads it, and the static files' never does): closing after
      // each of their answers made every page, stylesheet and script pay a new connection (KeepAliveTest).
      // A WebSocket's opening has no body either; after it, the connection is the socket's.
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

  /** HTTP/1.1's rule: a request has a body when it says its length (above zero) or that it comes in chunks. */
  private static boolean hasBody(HttpServerRequest request) {
    String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    return request.headers().contains(HttpHeaders.TRANSFER_ENCODING) || length != null && !"0".equals(length.trim());
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
