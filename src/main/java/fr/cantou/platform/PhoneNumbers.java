package fr.cantou.platform;

import java.util.Optional;

/**
 * Phone numbers as people type them ("06 12 34 56 78", "06.12.34.56.78", "+33 (0)6 12…",
 * "0033 6…", with non-breaking spaces from pasted text) read as one number. A French number is
 * kept the way the French write it, "06 12 34 56 78", so that an agent reads it out at once;
 * another country's as "+" and its digits.
 */
public final class PhoneNumbers {
  private static final int FEWEST_DIGITS = 6;
  private static final int MOST_DIGITS = 15;

  private PhoneNumbers() {}

  /** International form, French numbers by default: 06 12 34 56 78, +33 (0)6…, 0033 6… → +33612345678. */
  public static String canonical(String phone) {
    String p = phone.replace("(0)", "").replaceAll("[^0-9+]", "");
    if (p.startsWith("00")) {
      p = "+" + p.substring(2);
    } else if (p.startsWith("0")) {
      p = "+33" + p.substring(1);
    }
    return p.startsWith("+330") ? "+33" + p.substring(4) : p;
  }

  /**
   * Whether Cantou may send an SMS there: a French mobile (06, 07, overseas mobiles included),
   * never a premium-rate, short or foreign number (an anonymous booking must not make the
   * service pay texts to numbers that pay their owner).
   */
  public static boolean textable(String phone) {
    String c = canonical(phone);
    return c.length() == 12 && (c.startsWith("+336") || c.startsWith("+337"));
  }

  /** The number written as it is shown and stored, or empty when it is not a phone number (a French one has ten digits). */
  public static Optional<String> written(String typed) {
    if (typed.replaceAll("[0-9+ .()/\\-\u00A0\u202F]", "").length() > 0 || typed.indexOf('+', 1) > 0) {
      return Optional.empty();
    }
    String international = canonical(typed.trim());
    // A number is French (0…, +33…, 0033…) or international (+…, 00…): "6 11 22 33 44" or
    // "123456" would be sent nowhere, and the citizen would never get her link.
    if (!international.startsWith("+")) {
      return Optional.empty();
    }
    int digits = international.replace("+", "").length();
    if (digits < FEWEST_DIGITS || digits > MOST_DIGITS) {
      return Optional.empty();
    }
    if (international.startsWith("+33") && international.length() != 12) {
      return Optional.empty();
    }
    if (international.startsWith("+33")) {
      String national = "0" + international.substring(3);
      return Optional.of(String.join(" ", national.substring(0, 2), national.substring(2, 4), national.substring(4, 6),
          national.substring(6, 8), national.substring(8)));
    }
    return Optional.of(international);
  }
}
