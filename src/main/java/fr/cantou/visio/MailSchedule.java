package fr.cantou.visio;

import fr.cantou.visio.MailStore.Mail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which mails an appointment gets, and when: the first one at once (a confirmation, a change),
 * then reminders 24 hours and 1 hour before, those still to come. Only to a citizen who gave an
 * e-mail address; {@link MailJob} sends them when due.
 */
final class MailSchedule {
  private MailSchedule() {}

  /** The first mail at once, and the reminders still to come. */
  static List<Mail> mails(Instant start, boolean hasEmail, String first, Instant now) {
    if (!hasEmail) {
      return List.of();
    }
    List<Mail> mails = new ArrayList<>(List.of(new Mail(first, now)));
    mails.addAll(reminders(start, now));
    return mails;
  }

  /** The reminders of an appointment at {@code start} still to come at {@code now}. */
  static List<Mail> reminders(Instant start, Instant now) {
    List<Mail> mails = new ArrayList<>();
    for (Map.Entry<String, Duration> reminder : List.of(Map.entry("reminder_24h", Duration.ofHours(24)),
        Map.entry("reminder_1h", Duration.ofHours(1)))) {
      Instant due = start.minus(reminder.getValue());
      if (due.isAfter(now)) {
        mails.add(new Mail(reminder.getKey(), due));
      }
    }
    return mails;
  }
}
