package fr.cantou.platform;

/**
 * Text that a spreadsheet must show, never run: a cell that starts like a formula (=, +, -, @,
 * or a tab or carriage return before one) is prefixed with an apostrophe, as OWASP advises for
 * CSV files. Names in the export come from what people typed.
 */
public final class SpreadsheetText {
  private SpreadsheetText() {}

  public static String of(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    char first = text.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + text : text;
  }
}
