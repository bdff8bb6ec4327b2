package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;

/**
 * The API's bodies: read whole (up to http.bodyLimitBytes) by the BodyHandler for every
 * operation, except those whose contract takes a raw {@code application/octet-stream} body (a
 * file): those are paused here, untouched, and their handler streams them (see
 * {@link StreamedBody}) once it has checked who asks. Which operation a request is comes from the
 * contract, never from the Content-Type the client sent. A streamed body comes at the node's {@link BodyPace} at
 * least. A streamed request refused before its
 * body was read closes its connection after the answer, once what is left of the body has come ({@link LingeringClose},
 * a handler of every request; the node speaks HTTP/1.x only: {@link HttpServers}).
 */
public final class RequestBodies implements Handler<RoutingContext> {
  private final OpenAPIContract contract;
  private final BodyHandler whole;
  private final BodyPace pace;

  public RequestBodies(OpenAPIContract contract, long bodyLimitBytes, BodyPace pace) {
    this.contract = contract;
    this.whole = BodyHandler.create(false).setBodyLimit(bodyLimitBytes);
    this.pace = pace;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Operation operation = contract.findOperation(ctx.request().path(), ctx.request().method());
    if (streamed(operation)) {
      // Nothing is read before the handler asks: the data waits in the connection (back-pressure).
      // Refused before its body was read (401, 403, 409, 413…), the connection closes after the answer (LingeringClose).
      ctx.request().pause();
      pace.attachTo(ctx);
      ctx.next();
    } else {
      whole.handle(ctx);
    }
  }

  static boolean streamed(Operation operation) {
    return operation != null && operation.getRequestBody() != null
        && operation.getRequestBody().getContent().keySet().stream().allMatch("application/octet-stream"::equals);
  }
}
