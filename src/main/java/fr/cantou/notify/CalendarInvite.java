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

  public static byte[] of(Event e) {
    ZoneId zone = e.start().getZone();
    TimeZone timeZone = REGISTRY.getTimeZone(zone.getId());
    VEvent event = new VEvent(e.start(), e.end(), e.summary());
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      // Built the same way every time and validated by the tests (VisioMailTest): validating each
      // file again cost a third of its writing.
      new CalendarOutputter(false).output(calendar, out);
    } catch (IOException e1) {
      throw new IllegalStateException("cannot write the calendar file", e1);
    }
    return out.toByteArray();
  }

}
