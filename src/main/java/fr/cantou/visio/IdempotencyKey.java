package fr.cantou.visio;

import fr.cantou.platform.http.Idempotent;

import java.security.MessageDigest;

/**
 * An Idempotency-Key as a booking uses it: scoped to who sent it (her account, a point's screen,
 * or every anonymous caller together), with a fingerprint of the request. A replay gets the booking (and
 * its manage token) back only from the same scope with the same request: someone who learnt
 * another person's key gets nothing, and a key sent again with another body is refused (422).
 */
record IdempotencyKey(String scoped, byte[] fingerprint) {

  /** {@code scope}: the account's id, "anonymous", or "screen:<id>" for a point's screen. */
  static IdempotencyKey of(String scope, String key, VisioRecords.Booking body) {
    Idempotent sent = Idempotent.scoped(scope, key, body);
    return new IdempotencyKey(sent.key(), sent.fingerprint());
  }

  /** Whether the earlier use of this key was this very request. */
  boolean madeBy(BookingStore.KeyUse earlier) {
    return earlier.fingerprint() != null && MessageDigest.isEqual(earlier.fingerprint(), fingerprint);
  }
}
