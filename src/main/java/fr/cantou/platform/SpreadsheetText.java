package fr.cantou.platform;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.QuoteMode;

/**
 * Text that a spreadsheet must show, never run: a cell that starts like a formula (=, +, -, @,
 * or a tab or carriage return before one) is prefixed with an apostrophe, as OWASP advises for
 * CSV files. Names in the export come from what people typed.
 */
public final class SpreadsheetText {
  /**
   * Every cell quoted: a spreadsheet set for French splits a line on semicolons as well as commas,
   * and would make a cell of the "=…" after a semicolon inside a name, where {@link #of} cannot see it.
   */
  public static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setQuoteMode(QuoteMode.ALL).get();

  private SpreadsheetText() {}

  public static String of(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    char first = text.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r' ? "'" + text : text;
  }
}
