package fr.cantou.identity;

import fr.cantou.platform.http.ApiException;
import fr.cantou.platform.http.ClientAddress;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.sqlclient.Pool;
import io.vertx.ext.web.RoutingContext;


/**
 * Turns a bearer token into a {@link Principal}. A request without one goes on anonymous
 * (public routes exist); a bad or expired token, a deactivated user, or a session ended (signed out,
 * or its refresh token used twice: its family revoked) is a 401 at once.
 * The user is read from the database on every request, so a deactivation or a role change
 * takes effect immediately on every node.
 */
public final class Authenticator implements Handler<RoutingContext> {
  private final TokenService tokens;
  private final IdentityStore store;
  private final Pool pool;
  private final ClientAddress addresses;

  public Authenticator(TokenService tokens, IdentityStore store, Pool pool, ClientAddress addresses) {
    this.tokens = tokens;
    this.store = store;
    this.pool = pool;
    this.addresses = addresses;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null) {
      ctx.next();
      return;
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() < 8) {
      ctx.fail(ApiException.unauthorized("The Authorization header must be 'Bearer <access token>'."));
      return;
    }
    authenticate(header.substring(7).trim())
        .onSuccess(principal -> {
          if (principal.passwordToReplace() && !openWhilePasswordToReplace(ctx)) {
            ctx.fail(PASSWORD_TO_REPLACE);
            return;
          }
          ctx.put(CurrentUser.KEY, principal.from(addresses.of(ctx)));
          ctx.next();
        })
        .onFailure(ctx::fail);
  }

  /**
   * An account whose password an admin typed is its owner's only once she has chosen her own: until then the admin (or
   * whoever read it over her shoulder) could act as her. So she may change it, read her account and sign out, nothing
   * else. Signing out and refreshing carry no access token, and are open anyway.
   */
  static final ApiException PASSWORD_TO_REPLACE = ApiException.forbidden(
      "Choose your own password first: the one given when your account was made is known to the administrator.")
      .kind("password-to-replace");

  private static boolean openWhilePasswordToReplace(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    HttpMethod method = ctx.request().method();
    return (method == HttpMethod.POST && "/api/auth/password".equals(path))
        || (method == HttpMethod.GET && "/api/me".equals(path));
  }

  public Future<Principal> authenticate(String token) {
    return signIn(token).map(SignedIn::principal);
  }

  /** Also used by the WebSocket gateway, whose token comes in the first message and whose socket ends at its expiry. */
  public Future<SignedIn> signIn(String token) {
    return tokens.verify(token)
        .recover(e -> Future.failedFuture(ApiException.unauthorized("The access token is invalid or expired.")))
        .compose(access -> store.activePrincipal(pool, access.userId(), access.sessionId())
            .compose(found -> found.map(p -> Future.succeededFuture(new SignedIn(p, access.expiresAt(), access.sessionId())))
                .orElseGet(() -> Future.failedFuture(ApiException.unauthorized(
                    "This account is deactivated, or this session was ended; please sign in again.")))));
  }

}
