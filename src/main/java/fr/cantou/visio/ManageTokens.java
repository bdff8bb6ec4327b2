package fr.cantou.visio;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * The secret that opens one appointment without an account: its id and an HMAC of it under
 * a key kept in the database. Nothing per token is stored, so a retried booking (same
 * Idempotency-Key) can answer the same token again, and every node can check any token. A
 * token opens its appointment until {@code validAfterEnd} after the appointment's end, no longer.
 */
public final class ManageTokens {
  private final SecretKeySpec key;
  private final java.time.Clock clock;
  private final java.time.Duration validAfterEnd;

  public ManageTokens(String secret, java.time.Clock clock, java.time.Duration validAfterEnd) {
    this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    this.clock = clock;
    this.validAfterEnd = validAfterEnd;
  }

  /** Whether a genuine token of an appointment that ends then still opens it now. */
  boolean stillValid(java.time.Instant appointmentEnd) {
    return clock.instant().isBefore(appointmentEnd.plus(validAfterEnd));
  }

  public String issue(UUID appointmentId) {
    return appointmentId + "." + mac(appointmentId);
  }

  /** The appointment this token opens, if it is genuine. */
  public Optional<UUID> verify(String token) {
    if (token == null) {
      return Optional.empty();
    }
    int dot = token.indexOf('.');
    if (dot != 36) {
      return Optional.empty();
    }
    try {
      UUID id = UUID.fromString(token.substring(0, dot));
      boolean genuine = MessageDigest.isEqual(mac(id).getBytes(StandardCharsets.US_ASCII),
          token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
      return genuine ? Optional.of(id) : Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private String mac(UUID id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(("manage:" + id).getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
