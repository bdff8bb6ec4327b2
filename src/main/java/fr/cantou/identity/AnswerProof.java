package fr.cantou.identity;

import java.security.MessageDigest;
import java.util.Base64;

/**
 * What a page sends beside its refresh token so that an answer lost on the way (the page left while the refresh
 * travelled, the link dropped after the server rotated the token) can be given again to it, and to no one else. With
 * its first send of a token the page sends the SHA-256 of a secret it keeps in its tab ({@code key}); when it sends the
 * same token again it reveals the secret. A copy of the first request holds the key, never the secret.
 */
record AnswerProof(byte[] key, String secret) {
  static final AnswerProof NONE = new AnswerProof(null, null);

  /** From the request's fields (their form checked by the contract: the key is 32 bytes in base64url). */
  static AnswerProof of(String answerKey, String answerSecret) {
    return new AnswerProof(answerKey == null ? null : Base64.getUrlDecoder().decode(answerKey), answerSecret);
  }

  /** The key kept with this use: none once the secret has travelled, since a resend would then not be the page's alone. */
  byte[] keyToKeep() {
    return secret != null ? null : key;
  }

  /** Whether this request reveals the secret of the key kept with the token's use. */
  boolean reveals(byte[] keptKey) {
    return secret != null && keptKey != null && MessageDigest.isEqual(AuthService.sha256(secret), keptKey);
  }
}
