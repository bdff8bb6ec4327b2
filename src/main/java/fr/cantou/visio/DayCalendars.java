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
  private final VisioStore.ServiceRow service;
  private final List<SlotCalculator.AgentCalendar> agents;
  private final SlotCalculator.PointCalendar point;
  private final Map<Instant, List<SlotCalculator.AgentCalendar>> openAgents = new ConcurrentHashMap<>();
  private final Map<LocalDate, Map<UUID, Integer>> loads = new ConcurrentHashMap<>();

  DayCalendars(VisioStore.ServiceRow service, List<SlotCalculator.AgentCalendar> agents, SlotCalculator.PointCalendar point) {
    this.service = service;
    this.agents = agents;
    this.point = point;
  }

  VisioStore.ServiceRow service() {
    return service;
  }

  List<SlotCalculator.AgentCalendar> agents() {
    return agents;
  }

  SlotCalculator.PointCalendar point() {
    return point;
  }

  /** The part of calendars read over a longer window that meets {@code from}–{@code to}. */
  static DayCalendars within(VisioStore.ServiceRow service, List<SlotCalculator.AgentCalendar> agents,
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
