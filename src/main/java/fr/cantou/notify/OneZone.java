package fr.cantou.notify;

import net.fortuna.ical4j.model.TimeZoneRegistryImpl;

import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a calendar file's TZID names, for ical4j writing a date: the JDK's zone of that id, so DTSTART and DTEND are
 * the appointment's local time as the rest of Cantou computes it. Left to itself, ical4j 4.2.5 resolves the TZID of
 * every date it writes through {@code TimeZoneRegistry.getGlobalZoneId}: it copies the JDK's ~600 zone ids into a new
 * set each time (a file took 81 µs that way, 21 µs this way: docs/benchmarks.md), then answers a zone rebuilt from its
 * own bundled definitions, an hour off around some changes of some zones (America/Miquelon in March 2027; outside
 * review, 3 December 2026). For Europe/Paris both give the same file ({@code CalendarInviteTest}), for the overseas
 * départements' zones the same times. The VTIMEZONE in the file is still ical4j's: should the JDK's time-zone data and
 * ical4j's disagree on a future change, the file's own zone and its times would too. Everything else (the zones it
 * loads or is given) is ical4j's own registry's.
 */
final class OneZone extends TimeZoneRegistryImpl {
  private static final Map<String, OneZone> KNOWN = new ConcurrentHashMap<>();

  private final ZoneId zone;
  private final Map<String, ZoneRules> rules;

  private OneZone(ZoneId zone) {
    this.zone = zone;
    this.rules = Map.of(zone.getId(), zone.getRules());
  }

  static OneZone of(ZoneId zone) {
    return KNOWN.computeIfAbsent(zone.getId(), id -> new OneZone(zone));
  }

  /** Not empty: ical4j asks {@link #getZoneId} only of a registry that holds rules. */
  @Override
  public Map<String, ZoneRules> getZoneRules() {
    return rules;
  }

  @Override
  public ZoneId getZoneId(String tzId) {
    // Another id: ical4j then resolves it its own way.
    return zone.getId().equals(tzId) ? zone : super.getZoneId(tzId);
  }
}
