package fr.cantou.visio;

import fr.cantou.platform.Ids;

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
    return clock.instant().isBefore(validUntil(appointmentEnd));
  }

  /** When the links of an appointment that ends then stop opening it. */
  java.time.Instant validUntil(java.time.Instant appointmentEnd) {
    return appointmentEnd.plus(validAfterEnd);
  }

  /** The link of this version of the appointment's links (version 0: the first, as before renewals existed). */
  public String issue(UUID appointmentId, int version) {
    return appointmentId + "." + mac(appointmentId, version);
  }

  String issue(Appointment a) {
    return issue(UUID.fromString(a.id()), a.manageTokenVersion());
  }

  /** Whether this token opens this appointment, at this version of its links, now. */
  boolean opens(String token, UUID appointmentId, int version, java.time.Instant appointmentEnd) {
    return appointmentOf(token).filter(appointmentId::equals).isPresent() && genuine(token, appointmentId, version)
        && stillValid(appointmentEnd);
  }

  /**
   * The code of the short link sent by SMS ({@code /r/REFERENCE.code}): 20 characters of base32
   * (100 bits) of an HMAC of the appointment and its links' version, so it is unguessable, stops
   * working when the links are renewed, and is checked with the appointment's end like a token.
   */
  public String shortCode(UUID appointmentId, int version) {
    byte[] mac = macBytes("short:" + appointmentId + ":" + version);
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      int bit = i * 5;
      int value = ((mac[bit / 8] & 0xFF) << 8 | (mac[bit / 8 + 1] & 0xFF)) >> (11 - bit % 8) & 0x1F;
      code.append(BASE32.charAt(value));
    }
    return code.toString();
  }

  private static final String BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

  /** Whether a short code opens this appointment, at this version of its links, now. */
  boolean opensShort(String code, UUID appointmentId, int version, java.time.Instant appointmentEnd) {
    return code != null && MessageDigest.isEqual(shortCode(appointmentId, version).getBytes(StandardCharsets.US_ASCII),
        code.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII)) && stillValid(appointmentEnd);
  }

  /**
   * The secret of a place on the waiting list: it shows the offer, takes or declines it, and
   * leaves the list. Signed apart from appointments' links: one never opens the other.
   */
  public String issueWaiting(UUID entryId) {
    return entryId + "." + sign("waiting:" + entryId);
  }

  /** Whether this token is the one of this place on the waiting list. */
  boolean opensWaiting(String token, UUID entryId) {
    return appointmentOf(token).filter(entryId::equals).isPresent()
        && MessageDigest.isEqual(sign("waiting:" + entryId).getBytes(StandardCharsets.US_ASCII),
            token.substring(37).getBytes(StandardCharsets.US_ASCII));
  }

  /** The appointment named by a token, genuine or not (check it with {@link #opens}). */
  static Optional<UUID> appointmentOf(String token) {
    if (token == null || token.indexOf('.') != 36) {
      return Optional.empty();
    }
    return Ids.uuid(token.substring(0, 36));
  }

  private boolean genuine(String token, UUID id, int version) {
    return MessageDigest.isEqual(mac(id, version).getBytes(StandardCharsets.US_ASCII),
        token.substring(37).getBytes(StandardCharsets.US_ASCII));
  }

  private String mac(UUID id, int version) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(macBytes("manage:" + id + (version == 0 ? "" : ":" + version)));
  }

  private String sign(String what) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(macBytes(what));
  }

  private byte[] macBytes(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
