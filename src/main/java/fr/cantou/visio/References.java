package fr.cantou.visio;

import java.security.SecureRandom;

/** Human-friendly references, e.g. CAF-7K3Q9: no 0/O, 1/I/L to misread over the phone. */
final class References {
  private static final char[] ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ".toCharArray();
  private static final SecureRandom RANDOM = new SecureRandom();

  private References() {}

  static String next(String prefix) {
    StringBuilder sb = new StringBuilder(prefix).append('-');
    for (int i = 0; i < 5; i++) {
      sb.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
    }
    return sb.toString();
  }
}
