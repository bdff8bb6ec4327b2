package fr.cantou.visio;

import fr.cantou.platform.json.EncodedJson;
import fr.cantou.platform.Platform;
import fr.cantou.platform.http.ApiException;
import io.vertx.core.Future;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The free slots of a service, and the calendars they come from. Days are computed from one
 * read of the calendars and kept by the {@link SlotCache}; a booking finds its free agents in
 * the calendars kept with its day. Whoever changes bookings tells this node's cache here at
 * once; the other nodes follow the event.
 */
public final class SlotService {
  static final int LONGEST_RANGE_DAYS = 62;

  private final Platform platform;
  private final CatalogueService catalogue;
  private final CalendarStore calendars;
  private final SlotCache slotCache;

  SlotService(Platform platform, CatalogueService catalogue, CalendarStore calendars, SlotCache slotCache) {
    this.platform = platform;
    this.catalogue = catalogue;
    this.calendars = calendars;
    this.slotCache = slotCache;
  }

  /**
   * The free slots, as JSON: the same request's answer while it is still true ({@link SlotAnswers}),
   * or made from the days kept by the {@link SlotCache}, filtered by the time now.
   */
  public Future<EncodedJson> slots(UUID serviceId, LocalDate from, LocalDate to, UUID pointId) {
    if (to.isBefore(from)) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'to': before 'from'."));
    }
    if (ChronoUnit.DAYS.between(from, to) >= LONGEST_RANGE_DAYS) {
      return Future.failedFuture(ApiException.badRequest("Invalid query parameter 'to': at most {0} days from 'from'.", LONGEST_RANGE_DAYS));
    }
    Instant now = platform.clock().instant();
    SlotAnswers.Key key = new SlotAnswers.Key(serviceId, pointId, from, to);
    SlotAnswers.Answer kept = slotCache.answers().get(key, now);
    if (kept != null) {
      return Future.succeededFuture(kept.json());
    }
    long stamp = slotCache.answers().stamp();
    return slotCache.days(serviceId, pointId, from, to, (first, last) -> openDays(serviceId, pointId, first, last))
        .map(days -> slotCache.answers().answer(key, stamp, days, now));
  }

  /**
   * The starts of the slots bookable now, earliest first, from {@code from} over the longest range
   * the API answers (the waiting list's horizon): the same days the clients are shown.
   */
  Future<List<Instant>> freeStarts(UUID serviceId, UUID pointId, LocalDate from) {
    Instant now = platform.clock().instant();
    return slotCache.days(serviceId, pointId, from, from.plusDays(LONGEST_RANGE_DAYS - 1),
            (first, last) -> openDays(serviceId, pointId, first, last))
        .map(days -> days.stream().flatMap(day -> day.slots().stream())
            .filter(slot -> slot.bookableAt(now)).map(SlotCalculator.OpenSlot::start).toList());
  }

  /** Every day from {@code first} to {@code last} with its open slots, from one read of the calendars. */
  private Future<Map<LocalDate, SlotDay>> openDays(UUID serviceId, UUID pointId, LocalDate first, LocalDate last) {
    long readAt = System.nanoTime();
    return catalogue.serviceRow(serviceId).compose(service -> {
      ZoneId zone = service.zone();
      Instant start = first.atStartOfDay(zone).toInstant();
      Instant end = last.plusDays(1).atStartOfDay(zone).toInstant().plus(SlotCache.DAY_OVERHANG);
      return calendars(service, pointId, start, end, null).map(c -> {
        SlotCalculator calculator = new SlotCalculator(zone, Duration.ofMinutes(service.durationMinutes()));
        Map<LocalDate, List<SlotCalculator.OpenSlot>> byDay = new HashMap<>();
        for (SlotCalculator.OpenSlot slot : calculator.openSlots(c.agents(), c.point(), first, last)) {
          byDay.computeIfAbsent(slot.start().atZone(zone).toLocalDate(), d -> new ArrayList<>()).add(slot);
        }
        Map<LocalDate, SlotDay> days = new HashMap<>();
        for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
          List<SlotCalculator.OpenSlot> slots = byDay.getOrDefault(day, List.of());
          Instant readFrom = day.atStartOfDay(zone).toInstant();
          Instant readTo = day.plusDays(1).atStartOfDay(zone).toInstant().plus(SlotCache.DAY_OVERHANG);
          days.put(day, SlotDay.of(readFrom, readTo, readAt,
              DayCalendars.within(service, c.agents(), c.point(), readFrom, readTo), slots));
        }
        return days;
      });
    });
  }

  /** The calendars of the service's agents and of the point over a window, read from the database. */
  Future<DayCalendars> calendars(CatalogueStore.ServiceRow service, UUID pointId, Instant from, Instant to, UUID except) {
    Future<List<SlotCalculator.AgentCalendar>> agents = calendars.agentCalendars(platform.pool(), service.id(), from, to, except);
    Future<Optional<SlotCalculator.PointCalendar>> point = pointId == null ? Future.succeededFuture(Optional.empty())
        : calendars.pointCalendar(platform.pool(), pointId, from, to, except);
    return Future.all(agents, point).map(all -> {
      if (pointId != null && point.result().isEmpty()) {
        throw ApiException.badRequest("Invalid field 'pointId': no such point visio-accueil.");
      }
      return new DayCalendars(service, agents.result(), point.result().orElse(null));
    });
  }

  /**
   * The calendars of the slot's day as the node keeps them (read after {@code since}, a
   * {@link System#nanoTime()}, unless null). The day is the service's local one, known once
   * the service is: the day the client wrote is tried first.
   */
  Future<DayCalendars> dayCalendars(UUID serviceId, UUID pointId, Instant start, LocalDate day, Long since) {
    SlotCache.Loader loader = (first, last) -> openDays(serviceId, pointId, first, last);
    Future<SlotDay> kept = since == null
        ? slotCache.days(serviceId, pointId, day, day, loader).map(days -> days.get(0))
        : slotCache.dayReadSince(serviceId, pointId, day, since, loader);
    return kept.compose(d -> {
      LocalDate local = start.atZone(d.calendars().service().zone()).toLocalDate();
      return local.equals(day) ? Future.succeededFuture(d.calendars()) : dayCalendars(serviceId, pointId, start, local, since);
    });
  }

  /** A new booking: this node's client must see its slots at once; the others follow the event. */
  void booked(Appointment a) {
    slotCache.booked(UUID.fromString(a.agentId()), a.pointId() == null ? null : UUID.fromString(a.pointId()),
        a.start().toInstant(), a.end().toInstant());
  }

  /** The slots around this appointment's time differ now: this node's client must see it at once, the others follow the event. */
  void bookingsChanged(Appointment a) {
    bookingsChanged(a.start().toInstant(), a.end().toInstant());
  }

  void bookingsChanged(Instant start, Instant end) {
    slotCache.bookingsChanged(start, end);
  }
}
