package fr.cantou.identity;

import fr.cantou.platform.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Issues and verifies the short-lived access tokens (HS256 JWTs, Vert.x Auth JWT). */
public final class TokenService {
  static final String ISSUER = "cantou";
  static final String AUDIENCE = "cantou-api";

  private final JWTAuth jwt;
  private final Duration lifetime;

  public TokenService(Vertx vertx, String signingKey, Duration lifetime) {
    JWTOptions verify = new JWTOptions().setIssuer(ISSUER).setAudience(List.of(AUDIENCE)).setLeeway(5);
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(signingKey))
        .setJWTOptions(verify));
    this.lifetime = lifetime;
  }

  /** A token of the session ({@code sid}: its refresh tokens' family), which ends with it (sign-out, a reuse). */
  public String issue(UUID userId, Role role, UUID sessionId) {
    JsonObject claims = new JsonObject().put("sub", userId.toString()).put("role", role.code()).put("sid", sessionId.toString());
    return jwt.generateToken(claims, new JWTOptions()
        .setAlgorithm("HS256")
        .setIssuer(ISSUER)
        .setAudience(List.of(AUDIENCE))
        .setExpiresInSeconds((int) lifetime.toSeconds()));
  }

  public Duration lifetime() {
    return lifetime;
  }

  /**
   * The user the token was issued to and its expiry; fails when the signature, issuer, audience or
   * expiry is wrong, and when there is no expiry at all (the library accepts such a token; a
   * leaked one would open the account for ever).
   */
  Future<AccessToken> verify(String token) {
    // Composed, not called: the library throws (ClassCastException) on a signed token whose exp is
    // not a number, which would be a 500 over HTTP and an unanswered hello over the WebSocket.
    return Future.succeededFuture().compose(v -> jwt.authenticate(new TokenCredentials(token))).compose(user -> user.attributes().getValue("exp") instanceof Number exp
        ? Future.succeededFuture(new AccessToken(UUID.fromString(user.principal().getString("sub")),
            Instant.ofEpochSecond(exp.longValue()), sessionOf(user.principal().getValue("sid"))))
        : Future.failedFuture("an access token must expire"));
  }

  /** The session a token names; none in a token issued before sessions were named (they expire within 15 minutes). */
  private static UUID sessionOf(Object sid) {
    if (sid == null) {
      return null;
    }
    return Ids.uuid(String.valueOf(sid)).orElseThrow(() -> new IllegalArgumentException("a session id must be a UUID"));
  }
}
