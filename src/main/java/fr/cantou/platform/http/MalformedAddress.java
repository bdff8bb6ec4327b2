package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Before any route with a path: an address whose {@code %} is not followed by two hexadecimal digits is answered 400
 * here. Vert.x decodes the path (and, for a route with parameters, the query) while it matches routes, so such an
 * address threw there, past every handler of ours: a plain-text "Bad Request" and an ERROR line with its stack trace
 * for each request.
 */
public final class MalformedAddress implements Handler<RoutingContext> {
  /** What the access line says of such a path (the path itself cannot be read, and need not be kept). */
  static final String TEMPLATE = "(malformed)";

  @Override
  public void handle(RoutingContext ctx) {
    if (wellFormed(ctx.request().uri())) {
      ctx.next();
      return;
    }
    RequestLog.rememberAs(ctx, TEMPLATE);
    // Answered here, not failed: the failure handlers' own matching would read the path again.
    Responses.problem(ctx, ApiException.badRequest("The address of the request is malformed."));
  }

  /** Every {@code %} of the address followed by two hexadecimal digits, as both of Vert.x's decoders need. */
  static boolean wellFormed(String uri) {
    for (int i = uri.indexOf('%'); i >= 0; i = uri.indexOf('%', i + 1)) {
      if (i + 2 >= uri.length() || Character.digit(uri.charAt(i + 1), 16) < 0 || Character.digit(uri.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
