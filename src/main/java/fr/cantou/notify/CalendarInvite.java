package fr.cantou.notify;

import net.fortuna.ical4j.data.CalendarOutputter;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.TimeZone;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.Location;
import net.fortuna.ical4j.model.property.Organizer;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.Url;
import net.fortuna.ical4j.model.property.immutable.ImmutableCalScale;
import net.fortuna.ical4j.model.property.immutable.ImmutableMethod;
import net.fortuna.ical4j.model.property.immutable.ImmutableStatus;
import net.fortuna.ical4j.model.property.immutable.ImmutableVersion;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.io.IOException;
import java.net.URI;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * An RFC 5545 calendar file for one appointment, with its VTIMEZONE, built with ical4j. Its
 * loading of time-zone definitions reads files: call it off the event loop.
 */
public final class CalendarInvite {
  private static final TimeZoneRegistry REGISTRY = TimeZoneRegistryFactory.getInstance().createRegistry();

  public record Event(String uid, int sequence, ZonedDateTime start, ZonedDateTime end, String summary, String description,
                      String location, URI url, boolean cancelled, URI organizer) {}

  private CalendarInvite() {}

  /**
   * Each zone's VTIMEZONE as ical4j writes it, the same text in every file: writing it again for each file (its
   * observances, each date resolving its zone) was two thirds of the CPU of sending a confirmation (flight
   * recording of the bench's mails, 3 December 2026).
   */
  private static final Map<String, String> WRITTEN_ZONES = new ConcurrentHashMap<>();
  private static final String EVENT_BEGINS = "BEGIN:VEVENT\r\n";
  /** Where an offset ("+02:00"), which ical4j has no VTIMEZONE for, is told. */
  private static final ZoneId UTC = ZoneId.of("Etc/UTC");

  public static byte[] of(Event event) {
    Event e = inNamedZone(event);
    ZoneId zone = e.start().getZone();
    TimeZone timeZone = REGISTRY.getTimeZone(zone.getId());
    String written = write(calendar(e, null, OneZone.of(zone)));
    if (timeZone == null) {
      return written.getBytes(StandardCharsets.UTF_8);
    }
    String zoneText = WRITTEN_ZONES.computeIfAbsent(zone.getId(), id -> writtenZone(timeZone));
    // The first such line is the event's own: nothing written by a person comes before it.
    int at = written.indexOf(EVENT_BEGINS);
    return (written.substring(0, at) + zoneText + written.substring(at)).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The event's times in the zone whose VTIMEZONE the file will hold, so that its dates' TZID names that zone: ical4j
   * files some ids under another (Indian/Reunion under Asia/Dubai, US/Eastern under America/New_York, UTC under
   * Etc/UTC: the same rules, tzdata's links), and has none for an offset ("+02:00", "Z"), told in UTC (Etc/UTC) then.
   * Written under the id asked for, a date's TZID named no zone of the file (outside review, 3 December 2026).
   */
  static Event inNamedZone(Event e) {
    ZoneId zone = e.start().getZone();
    TimeZone timeZone = zone instanceof java.time.ZoneOffset ? null : REGISTRY.getTimeZone(zone.getId());
    ZoneId named = timeZone == null ? UTC : jdkZone(timeZone.getID());
    if (named == null || named.getId().equals(zone.getId())) {
      return e;
    }
    return new Event(e.uid(), e.sequence(), e.start().withZoneSameInstant(named), e.end().withZoneSameInstant(named),
        e.summary(), e.description(), e.location(), e.url(), e.cancelled(), e.organizer());
  }

  private static ZoneId jdkZone(String id) {
    try {
      return ZoneId.of(id);
    } catch (java.time.DateTimeException unknownToThisJdk) {
      return null;
    }
  }

  /** The file as ical4j writes it whole, its VTIMEZONE written again (what {@link #of} must equal). */
  static byte[] writtenWhole(Event e) {
    return write(calendar(e, REGISTRY.getTimeZone(e.start().getZone().getId()), null)).getBytes(StandardCharsets.UTF_8);
  }

  /** {@code zones}: what the start's and end's TZID name, or null for ical4j's own lookup. */
  private static Calendar calendar(Event e, TimeZone timeZone, TimeZoneRegistry zones) {
    VEvent event = new VEvent(e.start(), e.end(), e.summary());
    if (zones != null) {
      event.getDateTimeStart().setTimeZoneRegistry(zones);
      event.getDateTimeEnd().setTimeZoneRegistry(zones);
    }
    event.add(new Uid(e.uid()));
    // The VEvent constructor already stamps DTSTAMP; a second one makes the file invalid.
    event.add(new Sequence(e.sequence()));
    event.add(new Description(e.description()));
    if (e.location() != null) {
      event.add(new Location(e.location()));
    }
    // RFC 5546: a published event names its organiser.
    event.add(new Organizer(e.organizer()));
    if (e.url() != null) {
      event.add(new Url(e.url()));
    }
    event.add(e.cancelled() ? ImmutableStatus.VEVENT_CANCELLED : ImmutableStatus.VEVENT_CONFIRMED);
    Calendar calendar = new Calendar();
    calendar.add(new ProdId("-//Cantou//Visio-accueil//FR"));
    calendar.add(ImmutableVersion.VERSION_2_0);
    calendar.add(ImmutableCalScale.GREGORIAN);
    calendar.add(e.cancelled() ? ImmutableMethod.CANCEL : ImmutableMethod.PUBLISH);
    if (timeZone != null) {
      calendar.add(timeZone.getVTimeZone());
    }
    calendar.add(event);
    return calendar;
  }

  private static String writtenZone(TimeZone timeZone) {
    Calendar only = new Calendar();
    only.add(timeZone.getVTimeZone());
    String written = write(only);
    String end = "END:VTIMEZONE\r\n";
    return written.substring(written.indexOf("BEGIN:VTIMEZONE"), written.indexOf(end) + end.length());
  }

  private static String write(Calendar calendar) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      // Built the same way every time and validated by the tests (VisioMailTest): validating each
      // file again cost a third of its writing.
      new CalendarOutputter(false).output(calendar, out);
    } catch (IOException e1) {
      throw new IllegalStateException("cannot write the calendar file", e1);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
