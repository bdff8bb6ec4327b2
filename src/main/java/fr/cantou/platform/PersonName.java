package fr.cantou.platform;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A person's name as she would write it on a form, and nothing else: it is said back in
 * official mails, so it must not carry a line break, a sentence or a web address. Letters of
 * any script, spaces, apostrophes, hyphens, dots after initials, commas and parentheses
 * ("DUPONT, Marie", "Dupont (née Martin)"); at most eight words; a dot followed by a letter
 * or an accent (impots-gouv.fr) is refused, and so are letters of two scripts in one name (a
 * Lisu letter ꓸ that looks like a dot in caf-gouvꓸfr: the trick of lookalike web addresses).
 * Non-breaking spaces from pasted text count as spaces. Used for a citizen's name and a care call's guest's (both said
 * back in mails and shown in the room).
 */
public final class PersonName {
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{M}][\\p{L}\\p{M} '’.,()\\-]{0,119}");
  private static final Pattern DOT_THEN_LETTER = Pattern.compile("\\.[\\p{L}\\p{M}]");
  private static final int MOST_WORDS = 8;

  private PersonName() {}

  public static Optional<String> clean(String raw) {
    String name = raw.replace('\u00A0', ' ').replace('\u202F', ' ').trim().replaceAll(" {2,}", " ");
    boolean valid = ALLOWED.matcher(name).matches() && !DOT_THEN_LETTER.matcher(name).find()
        && name.split(" ").length <= MOST_WORDS && oneScript(name);
    return valid ? Optional.of(name) : Optional.empty();
  }

  private static boolean oneScript(String name) {
    return name.codePoints().filter(Character::isLetter).mapToObj(Character.UnicodeScript::of)
        .filter(script -> script != Character.UnicodeScript.COMMON && script != Character.UnicodeScript.INHERITED)
        .distinct().count() <= 1;
  }
}
