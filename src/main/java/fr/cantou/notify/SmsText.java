package fr.cantou.notify;

import java.text.Normalizer;
import java.util.Map;

/**
 * The text of an SMS in the GSM 7-bit alphabet (3GPP TS 23.038, "GSM 03.38") where possible,
 * and how many segments it takes. Phones and providers send a text with a single character
 * outside that alphabet in UCS-2, where a segment holds 70 characters instead of 160 (and a
 * concatenated one 67 instead of 153): the typographic apostrophe of a French word would
 * double the cost of a message. So characters outside the alphabet are written with the
 * nearest ones inside it (’ → ', œ → oe, ê → e, a non-breaking space → a space); é è à ù ì ò É
 * Ç are in it and stay.
 */
public final class SmsText {
  /** The basic character set, one septet each (0x1B, the escape to the extension table, left out). */
  private static final String BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
      + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  /** The extension table: two septets each (the escape, then the character). */
  private static final String EXTENSION = "^{}\\[~]|€\f";
  /** A single segment; in a concatenated message, each segment loses room to its header. */
  static final int GSM_SINGLE = 160;
  static final int GSM_PART = 153;
  static final int UCS2_SINGLE = 70;
  static final int UCS2_PART = 67;

  private static final Map<Character, String> NEAREST = Map.ofEntries(
      Map.entry('’', "'"), Map.entry('‘', "'"), Map.entry('‚', "'"), Map.entry('‛', "'"), Map.entry('′', "'"),
      Map.entry('“', "\""), Map.entry('”', "\""), Map.entry('„', "\""), Map.entry('«', "\""), Map.entry('»', "\""),
      Map.entry('–', "-"), Map.entry('—', "-"), Map.entry('‐', "-"), Map.entry('‑', "-"), Map.entry('−', "-"),
      Map.entry('…', "..."), Map.entry('œ', "oe"), Map.entry('Œ', "OE"), Map.entry('ç', "c"), Map.entry('•', "-"),
      Map.entry('\t', " "), Map.entry('`', "'"), Map.entry('´', "'"), Map.entry('°', "o"));

  private SmsText() {}

  /** The text with every character outside the GSM alphabet written with the nearest ones inside it, where there is one. */
  public static String gsm(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inAlphabet(c)) {
        out.append(c);
      } else if (NEAREST.containsKey(c)) {
        out.append(NEAREST.get(c));
      } else if (Character.isSpaceChar(c)) {
        // Non-breaking, narrow, thin and other typographic spaces.
        out.append(' ');
      } else {
        // ê → e, Â → A, ï → i, ᵉ → e, ﬁ → fi: the letters without accents, when those are in the alphabet.
        String bare = Normalizer.normalize(String.valueOf(c), Normalizer.Form.NFKD).replaceAll("\\p{M}", "");
        out.append(!bare.isEmpty() && bare.chars().allMatch(b -> inAlphabet((char) b)) ? bare : String.valueOf(c));
      }
    }
    return out.toString();
  }

  private static boolean inAlphabet(char c) {
    return BASIC.indexOf(c) >= 0 || EXTENSION.indexOf(c) >= 0;
  }

  /** Whether the whole text can go in the GSM 7-bit alphabet. */
  public static boolean isGsm(String text) {
    return text.chars().allMatch(c -> inAlphabet((char) c));
  }

  /** Septets of a GSM text (a character of the extension table takes two). */
  public static int septets(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      n += EXTENSION.indexOf(text.charAt(i)) >= 0 ? 2 : 1;
    }
    return n;
  }

  /** How many SMS segments the text takes: in GSM 7-bit when it can, otherwise in UCS-2. */
  public static int segments(String text) {
    if (isGsm(text)) {
      int septets = septets(text);
      return septets <= GSM_SINGLE ? 1 : (septets + GSM_PART - 1) / GSM_PART;
    }
    // UCS-2 counts UTF-16 units (a character outside the BMP, an emoji, takes two).
    int units = text.length();
    return units <= UCS2_SINGLE ? 1 : (units + UCS2_PART - 1) / UCS2_PART;
  }
}
