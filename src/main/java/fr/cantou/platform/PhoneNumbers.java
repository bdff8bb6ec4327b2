package fr.cantou.platform;

import java.util.Optional;

/**
 * Phone numbers as people type them ("06 12 34 56 78", "06.12.34.56.78", "+33 (0)6 12…",
 * "0033 6…", with non-breaking spaces from pasted text) read as one number. A French number is
 * kept the way the French write it, "06 12 34 56 78", so that an agent reads it out at once;
 * another country's as "+" and its digits.
 *
 * The overseas departments are in the French plan (dialled "06 92 …" from Aurillac as from
 * Saint-Denis) but not under +33: a mobile of La Réunion is +262 692 …, of Guadeloupe +590 690 …
 * An SMS sent to "+33 692 …" reaches nobody, so their international form is their own. Saint-Pierre-et-Miquelon's
 * six-digit numbers are "05 08" and those six digits in the French plan, and +508 and the six alone abroad (ARCEP:
 * country code 508; "41 23 45" a landline of Saint-Pierre, "55 12 34" a mobile).
 */
public final class PhoneNumbers {
  private static final int FEWEST_DIGITS = 6;
  private static final int MOST_DIGITS = 15;
  /** The overseas departments' first four national digits, and their country code (ARCEP's plan). */
  private static final java.util.Map<String, String> OVERSEAS = java.util.Map.ofEntries(
      java.util.Map.entry("0262", "262"), java.util.Map.entry("0263", "262"), java.util.Map.entry("0269", "262"),
      java.util.Map.entry("0692", "262"), java.util.Map.entry("0693", "262"), java.util.Map.entry("0639", "262"),
      java.util.Map.entry("0590", "590"), java.util.Map.entry("0690", "590"), java.util.Map.entry("0691", "590"),
      java.util.Map.entry("0594", "594"), java.util.Map.entry("0694", "594"),
      java.util.Map.entry("0596", "596"), java.util.Map.entry("0696", "596"), java.util.Map.entry("0697", "596"));

  /** Saint-Pierre-et-Miquelon: its prefix in the French plan, and its country code before the same six digits. */
  private static final String SPM_NATIONAL = "0508";
  private static final String SPM_CODE = "+508";
  /** Its mobiles' first two digits (libphonenumber's PM plan, from ARCEP's attributions): texts go to these only. */
  private static final java.util.regex.Pattern SPM_MOBILE = java.util.regex.Pattern.compile("4[02-489]\\d{4}|5[02-9]\\d{4}");

  /** ARCEP's mobiles for fiction (06 39 98 00 00 to 06 39 98 99 99): nobody's, kept under +33 (the demo's numbers). */
  private static final String FICTION = "063998";

  private PhoneNumbers() {}

  /**
   * International form, French numbers by default: 06 12 34 56 78, +33 (0)6…, 0033 6… → +33612345678; an overseas
   * department's under its own code: 06 92 12 34 56, +33 6 92…, +262 692… → +262692123456.
   */
  public static String canonical(String phone) {
    String p = phone.replace("(0)", "").replaceAll("[^0-9+]", "");
    if (p.startsWith("00")) {
      p = "+" + p.substring(2);
    } else if (p.startsWith("0")) {
      p = "+33" + p.substring(1);
    }
    // The national 0 kept after the country code ("+33 06…", "+262 0692…"): dropped, as the French dial it.
    for (String code : new String[] {"+33", "+262", "+590", "+594", "+596", SPM_CODE}) {
      if (p.startsWith(code + "0")) {
        p = code + p.substring(code.length() + 1);
      }
    }
    String national = national(p);
    if (national != null && national.startsWith(SPM_NATIONAL)) {
      return SPM_CODE + national.substring(SPM_NATIONAL.length());
    }
    if (national != null && OVERSEAS.containsKey(national.substring(0, 4)) && !national.startsWith(FICTION)) {
      return "+" + OVERSEAS.get(national.substring(0, 4)) + national.substring(1);
    }
    return p;
  }

  /**
   * A number of the French plan in its ten national digits ("0692123456"), from its international form (+33…, an
   * overseas department's code with a number of that department, or +508 and six digits); null for any other.
   */
  private static String national(String international) {
    if (international.startsWith("+33") && international.length() == 12) {
      return "0" + international.substring(3);
    }
    if (international.startsWith(SPM_CODE) && international.length() == SPM_CODE.length() + 6) {
      return SPM_NATIONAL + international.substring(SPM_CODE.length());
    }
    for (String code : new String[] {"+262", "+590", "+594", "+596"}) {
      if (international.startsWith(code) && international.length() == code.length() + 9) {
        String national = "0" + international.substring(code.length());
        return code.substring(1).equals(OVERSEAS.get(national.substring(0, 4))) && !national.startsWith(FICTION) ? national : null;
      }
    }
    return null;
  }

  /**
   * Whether Cantou may send an SMS there: a French mobile (06, 07, the overseas departments' included, and
   * Saint-Pierre-et-Miquelon's),
   * never a premium-rate, short or foreign number (an anonymous booking must not make the
   * service pay texts to numbers that pay their owner).
   */
  public static boolean textable(String phone) {
    String national = national(canonical(phone));
    if (national != null && national.startsWith(SPM_NATIONAL)) {
      return SPM_MOBILE.matcher(national.substring(SPM_NATIONAL.length())).matches();
    }
    return national != null && (national.startsWith("06") || national.startsWith("07"));
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
    String national = national(international);
    if (national != null) {
      return Optional.of(String.join(" ", national.substring(0, 2), national.substring(2, 4), national.substring(4, 6),
          national.substring(6, 8), national.substring(8)));
    }
    return Optional.of(international);
  }
}
