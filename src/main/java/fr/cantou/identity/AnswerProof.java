package fr.cantou.identity;

import fr.cantou.platform.secrets.Secrets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * What a page sends beside its refresh token so that an answer lost on the way (the page left while the refresh
 * travelled, the link dropped after the server rotated the token) can be given again to it, and to no one else, as often
 * as the line drops. Every send commits a key ({@code key}: the SHA-256 of a secret the page keeps in its tab before
 * sending); a send of the same token again reveals the secret of the key last committed ({@code secret}) and commits a
 * fresh one. A copy of a request holds its key, never the secret of that key.
 *
 * <p>The page makes its secrets a chain (each secret is the base64url SHA-256 of the next one, so a send's key and its
 * secret are one value): a secret of a send further along the chain leads, hashed again, to the key of any earlier send,
 * so a send that never reached the server (the line down before it left) breaks nothing, and the key of any earlier send
 * is known to be spent once a later secret is revealed (her page's send arriving late, after the next).
 */
record AnswerProof(byte[] key, String secret) {
  static final AnswerProof NONE = new AnswerProof(null, null);

  /**
   * How many links of the chain the server follows: the sends of one token a page makes while the line is down (the
   * page's chain is as long: webapp/js/api.js). A bound on the hashing of a request, too (a few hundred microseconds).
   */
  static final int CHAIN_AT_MOST = 512;

  /** From the request's fields (their form checked by the contract: the key is 32 bytes in base64url). */
  static AnswerProof of(String answerKey, String answerSecret) {
    return new AnswerProof(answerKey == null ? null : Base64.getUrlDecoder().decode(answerKey), answerSecret);
  }

  /** The key kept with this send: none that the secret sent with it already opens, since it would open for anyone. */
  byte[] keyToKeep() {
    return key == null || secret != null && leadsTo(Secrets.sha256(secret), key) ? null : key;
  }

  /** The SHA-256 of the secret this request reveals (null: none), kept to tell her page's late sends from a theft. */
  byte[] revealedKey() {
    return secret == null ? null : Secrets.sha256(secret);
  }

  /** Whether this request reveals the secret of the key last committed with the token (or of a later one of its chain). */
  boolean reveals(byte[] lastKey) {
    return secret != null && lastKey != null && leadsTo(Secrets.sha256(secret), lastKey);
  }

  /**
   * Whether this request's key is of a secret already revealed with the token (given {@code revealedKey}, the newest
   * one's): a send of her page overtaken by a later one (a page left while it travelled, the next page's send arriving
   * first). It opens nothing any more, and a copy of it is worth nothing either.
   */
  boolean overtaken(byte[] revealedKey) {
    return key != null && revealedKey != null && leadsTo(revealedKey, key);
  }

  /** Whether {@code to} is {@code from}, or the key of a secret earlier in the chain (hashed again at most the bound). */
  private static boolean leadsTo(byte[] from, byte[] to) {
    MessageDigest sha256 = Secrets.newSha256();
    Base64.Encoder text = Base64.getUrlEncoder().withoutPadding();
    byte[] link = from;
    for (int i = 0; i < CHAIN_AT_MOST; i++) {
      if (MessageDigest.isEqual(link, to)) {
        return true;
      }
      // The text of the link in base64url is ASCII: its bytes are its UTF-8.
      link = sha256.digest(text.encode(link));
    }
    return false;
  }

}
