package fr.cantou.platform.secrets;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The secrets every feature hands out (refresh tokens, password links, guests' links, screens' tokens) and the digests
 * kept of them instead: a leak of the database's rows hands nothing usable out.
 */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** 256 random bits in base64url (43 characters): what a token or a link carries. */
  public static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The SHA-256 of a text's UTF-8: what the database keeps of a secret, or of a request to tell it from another. */
  public static byte[] sha256(String text) {
    return newSha256().digest(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A SHA-256 digest of its own (not shared between threads), for bytes fed in parts or hashed again and again. */
  public static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
