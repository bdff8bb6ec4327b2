package fr.cantou.platform.text;

/**
 * What someone typed (a citizen's name, a guest's), as a mail from Cantou shows it: a line of data
 * with its label, the text inside « », never part of a sentence of the administration — so a name
 * cannot read as something Cantou says ("Bonjour," then {@code Nom indiqué : « … »}).
 */
public final class QuotedText {
  /** The greeting of every mail: no one's typed text in it. */
  public static final String GREETING = "Bonjour,\n\n";

  private QuotedText() {
  }

  /** {@code label : « text »} and a line break; the text on one line (it already is: {@code PersonName}). */
  public static String line(String label, String typed) {
    return label + " : « " + typed.replaceAll("\\s+", " ").strip() + " »\n";
  }
}
