package fr.cantou.visio;

import fr.cantou.visio.MailStore.Mail;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which messages an appointment gets, and when: the first one at once (a confirmation, a change),
 * then reminders 24 hours and 1 hour before, those still to come. By mail to a citizen who gave
 * an e-mail address, and by SMS to one who gave a phone number: one who gave both gets both (she
 * gave the number to be told on it, and the SMS is what she reads on her way; docs/visio-accueil.md).
 * {@link MailJob} and {@link SmsJob} send them when due.
 */
final class MailSchedule {
  private MailSchedule() {}

  /** The channels a citizen with these contacts is told by. */
  static List<String> channels(String email, String phone) {
    List<String> channels = new ArrayList<>();
    if (email != null) {
      channels.add(MailStore.MAIL);
    }
    if (phone != null && fr.cantou.platform.PhoneNumbers.textable(phone)) {
      channels.add(MailStore.SMS);
    }
    return channels;
  }

  static List<String> channels(Appointment a) {
    return a.citizen() == null ? List.of() : channels(a.citizen().email(), a.citizen().phone());
  }

  /**
   * The message of this kind to the professional who booked for someone who gave neither phone nor e-mail, while his
   * account is open, when anyone but him made the change: her administration's agent (he is the only way she hears of
   * it), or she herself with her convocation's link ({@link #BY_HER}: he was to be beside her, at the old time).
   */
  static List<Mail> toBooker(Appointment a, Caller by, String kind, Instant now) {
    return a.bookedBy() == null || !a.bookedBy().active() || !channels(a).isEmpty() || hisOwn(a, by)
        ? List.of()
        : List.of(new Mail(by.principal() == null ? kind + BY_HER : kind, now, MailStore.MEDIATOR));
  }

  private static boolean hisOwn(Appointment a, Caller by) {
    return by.principal() != null && a.bookedBy() != null && by.principal().userId().toString().equals(a.bookedBy().id());
  }

  /** The end of a message's kind when the citizen herself made the change ({@code change_by_her}). */
  static final String BY_HER = "_by_her";

  /**
   * What a move of {@code a} to {@code start} by {@code by} sends: "change" at once, then the reminders of the new time.
   * Each change tells the start its reader last heard of: {@code told}'s for its channel (a change not sent yet, which
   * this one replaces), else the appointment's start before the move. The mediator's own move is written as known.
   */
  static List<Mail> moved(Appointment a, Caller by, Instant start, Instant now, Map<String, Instant> told) {
    List<Mail> mails = new ArrayList<>(mails(start, channels(a), "change", now));
    mails.addAll(toBooker(a, by, "change", now));
    if (hisOwn(a, by) && channels(a).isEmpty()) {
      // Not sent: he moved it. Kept as what he heard of, so a move back to a date he was once told is told to him.
      mails.add(new Mail("change", now, MailStore.MEDIATOR, null, start));
    }
    Instant before = a.start().toInstant();
    return mails.stream().map(m -> m.kind().startsWith("change")
        ? new Mail(m.kind(), m.due(), m.channel(), told.getOrDefault(m.channel(), before), m.known()) : m).toList();
  }

  /** What a cancellation of {@code a} by {@code by} sends. */
  static List<Mail> cancelled(Appointment a, Caller by, Instant now) {
    List<Mail> mails = new ArrayList<>(now("cancellation", channels(a), now));
    mails.addAll(toBooker(a, by, "cancellation", now));
    return mails;
  }

  /** The first message at once, and the reminders still to come, on each channel. */
  static List<Mail> mails(Instant start, List<String> channels, String first, Instant now) {
    List<Mail> mails = new ArrayList<>();
    for (String channel : channels) {
      mails.add(new Mail(first, now, channel));
      mails.addAll(reminders(start, now, List.of(channel)));
    }
    return mails;
  }

  /** One message of this kind now, on each channel. */
  static List<Mail> now(String kind, List<String> channels, Instant now) {
    return channels.stream().map(channel -> new Mail(kind, now, channel)).toList();
  }

  /** The reminders of an appointment at {@code start} still to come at {@code now}, on each channel. */
  static List<Mail> reminders(Instant start, Instant now, List<String> channels) {
    List<Mail> mails = new ArrayList<>();
    for (String channel : channels) {
      for (Map.Entry<String, Duration> reminder : List.of(Map.entry("reminder_24h", Duration.ofHours(24)),
          Map.entry("reminder_1h", Duration.ofHours(1)))) {
        Instant due = start.minus(reminder.getValue());
        if (due.isAfter(now)) {
          mails.add(new Mail(reminder.getKey(), due, channel));
        }
      }
    }
    return mails;
  }
}
