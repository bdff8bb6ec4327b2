package fr.cantou.identity;

import fr.cantou.platform.http.ApiException;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** The principal the {@link Authenticator} attached to a request. */
public final class CurrentUser {
  static final String KEY = "cantou.principal";
  /** The session (refresh-token family) the request's access token belongs to; absent for a token naming none. */
  static final String SESSION = "cantou.session";

  private CurrentUser() {}

  public static Optional<Principal> of(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }

  /** The session the caller's access token belongs to, or null (a token issued before sessions were named). */
  static java.util.UUID session(RoutingContext ctx) {
    return ctx.get(SESSION);
  }

  public static Principal require(RoutingContext ctx) {
    Principal principal = ctx.get(KEY);
    if (principal == null) {
      throw ApiException.unauthorized("Sign in first: this needs an access token (Authorization: Bearer …).");
    }
    return principal;
  }
}
