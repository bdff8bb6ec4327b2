package fr.cantou.identity;

import fr.cantou.platform.http.ApiException;
import io.vertx.ext.web.RoutingContext;

import java.util.Optional;

/** The principal the {@link Authenticator} attached to a request. */
public final class CurrentUser {
  static final String KEY = "cantou.principal";

  private CurrentUser() {}

  public static Optional<Principal> of(RoutingContext ctx) {
    return Optional.ofNullable(ctx.get(KEY));
  }

  public static Principal require(RoutingContext ctx) {
    Principal principal = ctx.get(KEY);
    if (principal == null) {
      throw ApiException.unauthorized("Sign in first: this needs an access token (Authorization: Bearer …).");
    }
    return principal;
  }
}
