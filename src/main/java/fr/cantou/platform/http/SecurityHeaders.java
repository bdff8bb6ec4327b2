package fr.cantou.platform.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every answer but a WebSocket's upgrade. The page policy lets frames and scripts come only from this
 * server and the configured Jitsi domain.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {
  private final String contentSecurityPolicy;
  private final String permissionsPolicy;
  /** Only when the public address is https: browsers then refuse plain http to this host for a year. */
  private final boolean strictTransport;

  public SecurityHeaders(String jitsiOrigin, boolean servedOverTls) {
    this.strictTransport = servedOverTls;
    String jitsi = jitsiOrigin;
    this.permissionsPolicy = "camera=(self \"" + jitsi + "\"), microphone=(self \"" + jitsi + "\"), display-capture=(self \""
        + jitsi + "\")";
    this.contentSecurityPolicy = String.join("; ",
        "default-src 'self'",
        "script-src 'self' " + jitsi,
        "frame-src " + jitsi,
        "connect-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "media-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'");
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (SocketUpgrade.is(ctx)) {
      // Page policies mean nothing to a WebSocket's 101, and Vert.x keeps that answer's headers
      // for the socket's life: four or five entries per socket, for nothing.
      ctx.next();
      return;
    }
    ctx.response().headers()
        .set("X-Content-Type-Options", "nosniff")
        .set("Referrer-Policy", "no-referrer")
        .set("Content-Security-Policy", contentSecurityPolicy)
        .set("Permissions-Policy", permissionsPolicy);
    if (strictTransport) {
      ctx.response().headers().set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    ctx.next();
  }
}
