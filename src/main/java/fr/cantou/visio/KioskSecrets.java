package fr.cantou.visio;

import fr.cantou.platform.secrets.Secrets;
import java.security.SecureRandom;
import java.util.Locale;

/**
 * A screen's secrets: the pairing code (10 characters of an alphabet without 0/O, 1/I/L: 49 bits,
 * read aloud and typed on a touch screen without doubt) and the device token (256 random bits in
 * base64url after "kiosk_"), each kept only as its SHA-256.
 */
final class KioskSecrets {
  static final String TOKEN_PREFIX = "kiosk_";
  static final int CODE_LENGTH = 10;
  private static final String ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private KioskSecrets() {}

  static String newCode() {
    StringBuilder code = new StringBuilder(CODE_LENGTH);
    for (int i = 0; i < CODE_LENGTH; i++) {
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** "ABCDE-FGHJK": as shown to the admin. */
  static String shown(String code) {
    return code.substring(0, 5) + "-" + code.substring(5);
  }

  static String newToken() {
    return TOKEN_PREFIX + Secrets.randomToken();
  }

  /** A code as typed: any case, spaces and dashes ignored. */
  static String normalised(String typed) {
    return typed == null ? "" : typed.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
  }

  static byte[] hash(String secret) {
    return Secrets.sha256(secret == null ? "" : secret);
  }
}
