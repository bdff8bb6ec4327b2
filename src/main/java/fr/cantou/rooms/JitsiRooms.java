package fr.cantou.rooms;

import fr.cantou.platform.config.CantouConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;

/**
 * Names Jitsi rooms and hands each participant its join information. With an app secret
 * configured, each participant gets its own JWT in the format Jitsi's token plugin checks
 * (HS256, iss = app id, aud, sub = domain, room, nbf a little in the past, exp,
 * context.user, moderator); without one, no JWT (public Jitsi).
 */
public final class JitsiRooms {
  /** Jitsi checks nbf without leeway: set it a little in the past against clock skew. */
  static final long NOT_BEFORE_SKEW_SECONDS = 60;
  private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final CantouConfig.Jitsi config;
  private final JWTAuth signer;

  public JitsiRooms(Vertx vertx, CantouConfig.Jitsi config) {
    this.config = config;
    this.signer = config.signsTokens()
        ? JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(config.appSecret())))
        : null;
  }

  /** An unguessable, lower-case room name (about 120 bits of randomness). */
  public String newRoomName(String prefix) {
    StringBuilder name = new StringBuilder(prefix.toLowerCase(Locale.ROOT)).append('-');
    for (int i = 0; i < 24; i++) {
      name.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return name.toString();
  }

  /**
   * Join information for one participant, with a token valid from {@code now} (less the
   * skew) until {@code validUntil}, bound to this one room.
   */
  public JoinInfo join(String roomName, Participant participant, Instant now, Instant validUntil) {
    String jwt = null;
    if (signer != null) {
      JsonObject user = new JsonObject()
          .put("id", participant.id())
          .put("name", participant.displayName())
          .put("moderator", participant.moderator() ? "true" : "false")
          .put("affiliation", participant.moderator() ? "owner" : "member");
      if (participant.email() != null) {
        user.put("email", participant.email());
      }
      // iss and aud go in the claims themselves: Jitsi's plugin wants "aud" as a plain string.
      JsonObject claims = new JsonObject()
          .put("iss", config.appId())
          .put("aud", config.audience())
          .put("room", roomName.toLowerCase(Locale.ROOT))
          .put("sub", config.domain())
          .put("nbf", now.getEpochSecond() - NOT_BEFORE_SKEW_SECONDS)
          .put("exp", Math.max(validUntil.getEpochSecond(), now.getEpochSecond() + 60))
          .put("moderator", participant.moderator())
          .put("context", new JsonObject().put("user", user));
      jwt = signer.generateToken(claims, new JWTOptions().setAlgorithm("HS256"));
    }
    return new JoinInfo(new JoinInfo.Jitsi(config.domain(), roomName, jwt, participant.displayName(),
        participant.moderator()));
  }

  public String domain() {
    return config.domain();
  }
}
