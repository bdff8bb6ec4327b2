package fr.cantou.visio;

import fr.cantou.platform.http.ProblemTexts;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * An open appointment in the way of a change (leave, a closure, a point withdrawn): such a change
 * is refused, naming the first {@link #NAMED} of them by reference and time.
 */
record AppointmentInTheWay(String reference, Instant start) {
  /** How many a refusal names ("… and more" past that). */
  static final int NAMED = 5;

  /** The first few appointments in the way, by reference and time, to name them in a refusal. */
  static List<ProblemTexts.Phrase> named(List<AppointmentInTheWay> taken, ZoneId zone) {
    return taken.stream().limit(NAMED)
        .map(t -> new ProblemTexts.Phrase("{0} ({1})", t.reference(), t.start().atZone(zone))).toList();
  }
}
