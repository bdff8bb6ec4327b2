package fr.cantou.visio;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The calendars one day's slots were computed from: the service, its agents (each with only
 * the leave and booked periods that meet the day's reading window) and the point, if any.
 * Kept with the day by {@link SlotCache}, so that a booking finds its free agents in memory.
 * Never changed once built; what bookings ask of it (agents open for a slot, the day's loads)
 * is worked out once and remembered, as many bookings of a day arrive together.
 */
final class DayCalendars {
  private final CatalogueStore.ServiceRow service;
  private final List<SlotCalculator.AgentCalendar> agents;
  private final SlotCalculator.PointCalendar point;
  private final Map<Instant, List<SlotCalculator.AgentCalendar>> openAgents = new ConcurrentHashMap<>();
  private final Map<LocalDate, Map<UUID, Integer>> loads = new ConcurrentHashMap<>();

  DayCalendars(CatalogueStore.ServiceRow service, List<SlotCalculator.AgentCalendar> agents, SlotCalculator.PointCalendar point) {
    this.service = service;
    this.agents = agents;
    this.point = point;
  }

  CatalogueStore.ServiceRow service() {
    return service;
  }

  List<SlotCalculator.AgentCalendar> agents() {
    return agents;
  }

  SlotCalculator.PointCalendar point() {
    return point;
  }

  /** The part of calendars read over a longer window that meets {@code from}–{@code to}. */
  static DayCalendars within(CatalogueStore.ServiceRow service, List<SlotCalculator.AgentCalendar> agents,
                             SlotCalculator.PointCalendar point, Instant from, Instant to) {
    List<SlotCalculator.AgentCalendar> kept = new ArrayList<>(agents.size());
    for (SlotCalculator.AgentCalendar a : agents) {
      kept.add(new SlotCalculator.AgentCalendar(a.agentId(), a.buffer(), a.minNotice(), a.horizon(), a.weekly(),
          meeting(a.exceptions(), from, to), meeting(a.busy(), from, to)));
    }
    SlotCalculator.PointCalendar p = point == null ? null
        : new SlotCalculator.PointCalendar(point.zone(), point.hours(), meeting(point.busy(), from, to));
    return new DayCalendars(service, List.copyOf(kept), p);
  }

  /**
   * These calendars with one more booking of {@code agentId} (blocked until its end and the
   * agent's buffer) and, when {@code atThisPoint}, of the point: {@code this} when they already
   * hold it or it concerns none of them; null when it overlaps what they hold (they are then
   * older than the booking's own transaction saw: the day must be read again).
   */
  DayCalendars withBooking(UUID agentId, boolean atThisPoint, Instant start, Instant end) {
    List<SlotCalculator.AgentCalendar> after = agents;
    for (int i = 0; i < agents.size(); i++) {
      SlotCalculator.AgentCalendar a = agents.get(i);
      if (a.agentId().equals(agentId)) {
        List<SlotCalculator.Interval> busy = added(a.busy(), new SlotCalculator.Interval(start, end.plus(a.buffer())));
        if (busy == null) {
          return null;
        }
        if (busy != a.busy()) {
          after = new ArrayList<>(agents);
          after.set(i, new SlotCalculator.AgentCalendar(a.agentId(), a.buffer(), a.minNotice(), a.horizon(), a.weekly(),
              a.exceptions(), busy));
          after = List.copyOf(after);
        }
      }
    }
    SlotCalculator.PointCalendar p = point;
    if (atThisPoint && point != null) {
      List<SlotCalculator.Interval> busy = added(point.busy(), new SlotCalculator.Interval(start, end));
      if (busy == null) {
        return null;
      }
      p = busy == point.busy() ? point : new SlotCalculator.PointCalendar(point.zone(), point.hours(), busy);
    }
    return after == agents && p == point ? this : new DayCalendars(service, after, p);
  }

  /** {@code busy} with {@code one} added: the same list when it is there already, null when it overlaps another. */
  private static List<SlotCalculator.Interval> added(List<SlotCalculator.Interval> busy, SlotCalculator.Interval one) {
    for (SlotCalculator.Interval known : busy) {
      if (known.equals(one)) {
        return busy;
      }
      if (known.overlaps(one.start(), one.end())) {
        return null;
      }
    }
    List<SlotCalculator.Interval> out = new ArrayList<>(busy.size() + 1);
    out.addAll(busy);
    out.add(one);
    return List.copyOf(out);
  }

  private static List<SlotCalculator.Interval> meeting(List<SlotCalculator.Interval> all, Instant from, Instant to) {
    List<SlotCalculator.Interval> out = new ArrayList<>();
    for (SlotCalculator.Interval i : all) {
      if (i.overlaps(from, to)) {
        out.add(i);
      }
    }
    return List.copyOf(out);
  }

  /** Agents free for the slot starting at {@code start}, booked {@code now}, in the order to try them ({@link AgentOrder}). */
  List<AgentChoice> freeAgents(Instant start, Instant now) {
    ZoneId zone = service.zone();
    Duration duration = Duration.ofMinutes(service.durationMinutes());
    List<SlotCalculator.AgentCalendar> open = openAgents.computeIfAbsent(start,
        s -> new SlotCalculator(zone, duration).openAgents(agents, point, s));
    List<UUID> free = SlotCalculator.bookableAt(open, start, now);
    return AgentOrder.of(open, free, loads.computeIfAbsent(start.atZone(zone).toLocalDate(), this::loads), start, duration);
  }

  /** Appointments each agent has starting on the local day (booked or in a call): the fair choice's load. */
  private Map<UUID, Integer> loads(LocalDate day) {
    Instant from = day.atStartOfDay(service.zone()).toInstant();
    Instant to = day.plusDays(1).atStartOfDay(service.zone()).toInstant();
    Map<UUID, Integer> load = new HashMap<>();
    for (SlotCalculator.AgentCalendar a : agents) {
      int n = 0;
      for (SlotCalculator.Interval busy : a.busy()) {
        if (!busy.start().isBefore(from) && busy.start().isBefore(to)) {
          n++;
        }
      }
      load.put(a.agentId(), n);
    }
    return load;
  }
}
