package fr.cantou.visio;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Free slots of a service, computed in memory from one read of its agents' calendars.
 * Slots follow each agent's weekly ranges in the organisation's zone, so a day on which
 * the clocks change is right; a slot is free when at least one agent serving the service
 * is free for it (and its buffer after), and the point too when one is asked.
 */
public final class SlotCalculator {

  public record Interval(Instant start, Instant end) {
    boolean overlaps(Instant otherStart, Instant otherEnd) {
      return start.isBefore(otherEnd) && otherStart.isBefore(end);
    }
  }

  public record WeeklyRange(DayOfWeek day, LocalTime start, LocalTime end) {}

  /** An agent's calendar; its booked periods are kept sorted by start ({@link BookedPeriods}). */
  public record AgentCalendar(UUID agentId, Duration buffer, Duration minNotice, Duration horizon,
                              List<WeeklyRange> weekly, List<Interval> exceptions, List<Interval> busy) {
    public AgentCalendar {
      busy = BookedPeriods.byStart(busy);
    }
  }

  /** A point visio-accueil: open hours in its zone, and its booked periods. */
  public record PointCalendar(ZoneId zone, List<WeeklyRange> hours, List<Interval> busy) {}

  public record Slot(Instant start, Instant end) {}

  /**
   * When, as "now", a slot can be booked: from {@code start − horizon} to {@code start − notice},
   * both included, for one of the agents free for it.
   */
  public record Window(Instant from, Instant until) {
    boolean contains(Instant now) {
      return !now.isBefore(from) && !now.isAfter(until);
    }
  }

  /**
   * A slot at least one agent is free for, with the windows in which it can be booked. It does
   * not depend on the time of the request, so it can be kept and filtered later by {@link #bookableAt}.
   */
  public record OpenSlot(Instant start, Instant end, List<Window> bookable) {
    public boolean bookableAt(Instant now) {
      for (Window window : bookable) {
        if (window.contains(now)) {
          return true;
        }
      }
      return false;
    }

    public Slot slot() {
      return new Slot(start, end);
    }
  }

  private final ZoneId zone;
  private final Duration duration;

  public SlotCalculator(ZoneId zone, Duration duration) {
    this.zone = zone;
    this.duration = duration;
  }

  /** Free slots whose start falls on a local day from {@code from} to {@code to}, inclusive, sorted. */
  public List<Slot> freeSlots(List<AgentCalendar> agents, PointCalendar point, LocalDate from, LocalDate to, Instant now) {
    return openSlots(agents, point, from, to).stream().filter(s -> s.bookableAt(now)).map(OpenSlot::slot).toList();
  }

  /**
   * Every slot starting on a local day from {@code from} to {@code to} that some agent is free
   * for (and the point, when one is asked), whatever the time now, sorted by start.
   */
  public List<OpenSlot> openSlots(List<AgentCalendar> agents, PointCalendar point, LocalDate from, LocalDate to) {
    return openSlots(agents, point, from, to, slot -> true);
  }

  /** The same, for the slots {@code only} accepts: after a booking, the few slots near it. */
  public List<OpenSlot> openSlots(List<AgentCalendar> agents, PointCalendar point, LocalDate from, LocalDate to,
                                  java.util.function.Predicate<Slot> only) {
    Map<Instant, List<Window>> windows = new TreeMap<>();
    Map<Instant, Slot> slots = new java.util.HashMap<>();
    // Agents mostly share their ranges: each (day, range) is turned into instants, and the slots
    // `only` accepts picked out, once for all of them.
    Map<RangeOfDay, List<Slot>> laidOut = new java.util.HashMap<>();
    for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
      if (FrenchHolidays.isHoliday(day)) {
        continue;
      }
      DayOfWeek weekday = day.getDayOfWeek();
      for (AgentCalendar agent : agents) {
        for (WeeklyRange range : agent.weekly()) {
          if (range.day() != weekday) {
            continue;
          }
          LocalDate date = day;
          for (Slot slot : laidOut.computeIfAbsent(new RangeOfDay(day, range.start(), range.end()),
              key -> accepted(layOut(date, range), only))) {
            if (agentOpen(agent, slot) && pointFree(point, slot)) {
              slots.putIfAbsent(slot.start(), slot);
              windows.computeIfAbsent(slot.start(), k -> new ArrayList<>()).add(window(agent, slot));
            }
          }
        }
      }
    }
    List<OpenSlot> open = new ArrayList<>(windows.size());
    windows.forEach((start, list) -> open.add(new OpenSlot(start, slots.get(start).end(), merged(list))));
    return open;
  }

  private static Window window(AgentCalendar agent, Slot slot) {
    return window(agent, slot.start());
  }

  private static Window window(AgentCalendar agent, Instant start) {
    return new Window(start.minus(agent.horizon()), start.minus(agent.minNotice()));
  }

  /** Agents mostly share their notice and horizon: their windows merge into one. */
  private static List<Window> merged(List<Window> windows) {
    if (windows.size() == 1) {
      return List.copyOf(windows);
    }
    List<Window> sorted = new ArrayList<>(windows);
    sorted.sort(Comparator.comparing(Window::from));
    List<Window> out = new ArrayList<>();
    Window current = sorted.get(0);
    for (Window next : sorted.subList(1, sorted.size())) {
      if (next.from().isAfter(current.until())) {
        out.add(current);
        current = next;
      } else if (next.until().isAfter(current.until())) {
        current = new Window(current.from(), next.until());
      }
    }
    out.add(current);
    return List.copyOf(out);
  }

  /** The agents free for exactly this slot (it must be one of their slots), least busy first is the caller's call. */
  public List<UUID> freeAgents(List<AgentCalendar> agents, PointCalendar point, Instant start, Instant now) {
    return bookableAt(openAgents(agents, point, start), start, now);
  }

  /** The agents open for exactly this slot (it must be one of their slots) whatever the time now, with the slot's end. */
  public List<AgentCalendar> openAgents(List<AgentCalendar> agents, PointCalendar point, Instant start) {
    LocalDate day = start.atZone(zone).toLocalDate();
    List<AgentCalendar> open = new ArrayList<>();
    if (FrenchHolidays.isHoliday(day)) {
      return open;
    }
    Slot slot = new Slot(start, start.plus(duration));
    for (AgentCalendar agent : agents) {
      if (startsOneOfItsSlots(agent, day, start) && agentOpen(agent, slot) && pointFree(point, slot)) {
        open.add(agent);
      }
    }
    return open;
  }

  /**
   * Whether {@link #layOut} would put a slot of one of the agent's ranges of that day at
   * {@code start}, worked out without laying the day out: a booking asks this of every agent.
   */
  private boolean startsOneOfItsSlots(AgentCalendar agent, LocalDate day, Instant start) {
    LocalDateTime local = LocalDateTime.ofInstant(start, zone);
    if (!local.toLocalDate().equals(day) || !ZonedDateTime.of(local, zone).toInstant().equals(start)) {
      return false; // the second 2:30 of the night the clocks go back is no slot start
    }
    LocalTime t = local.toLocalTime();
    for (WeeklyRange range : agent.weekly()) {
      if (range.day() == day.getDayOfWeek() && !t.isBefore(range.start())
          && Duration.between(range.start(), t).getSeconds() % duration.getSeconds() == 0
          && !t.plus(duration).isBefore(t) && !t.plus(duration).isAfter(range.end())) {
        return true;
      }
    }
    return false;
  }

  /** Of the agents open for the slot starting at {@code start}, those whose notice and horizon let it be booked {@code now}. */
  public static List<UUID> bookableAt(List<AgentCalendar> open, Instant start, Instant now) {
    List<UUID> free = new ArrayList<>();
    for (AgentCalendar agent : open) {
      if (window(agent, start).contains(now)) {
        free.add(agent.agentId());
      }
    }
    return free;
  }

  private record RangeOfDay(LocalDate day, LocalTime start, LocalTime end) {}

  private static List<Slot> accepted(List<Slot> laidOut, java.util.function.Predicate<Slot> only) {
    List<Slot> out = new ArrayList<>(laidOut.size());
    for (Slot slot : laidOut) {
      if (only.test(slot)) {
        out.add(slot);
      }
    }
    return out;
  }

  /** Slots laid end to end from the start of a range; a local time the clocks skip is no slot. */
  private List<Slot> layOut(LocalDate day, WeeklyRange range) {
    List<Slot> out = new ArrayList<>();
    for (LocalTime t = range.start(); !t.plus(duration).isAfter(range.end()) && !t.plus(duration).isBefore(t);
         t = t.plus(duration)) {
      LocalDateTime local = LocalDateTime.of(day, t);
      if (zone.getRules().getValidOffsets(local).isEmpty()) {
        continue;
      }
      Instant start = ZonedDateTime.of(local, zone).toInstant();
      out.add(new Slot(start, start.plus(duration)));
      if (t.plus(duration).equals(LocalTime.MIDNIGHT)) {
        break;
      }
    }
    return out;
  }

  /** Free for the slot whatever the time now: within no exception, and nothing booked over it or its buffer. */
  private static boolean agentOpen(AgentCalendar agent, Slot slot) {
    for (Interval exception : agent.exceptions()) {
      if (exception.overlaps(slot.start(), slot.end())) {
        return false;
      }
    }
    return !BookedPeriods.meet(agent.busy(), slot.start(), slot.end().plus(agent.buffer()));
  }

  private static boolean pointFree(PointCalendar point, Slot slot) {
    if (point == null) {
      return true;
    }
    ZonedDateTime start = slot.start().atZone(point.zone());
    ZonedDateTime end = slot.end().atZone(point.zone());
    if (!start.toLocalDate().equals(end.toLocalDate()) && !end.toLocalTime().equals(LocalTime.MIDNIGHT)) {
      return false;
    }
    boolean open = point.hours().stream().anyMatch(h -> h.day() == start.getDayOfWeek()
        && !start.toLocalTime().isBefore(h.start()) && !end.toLocalTime().isAfter(h.end()));
    return open && point.busy().stream().noneMatch(b -> b.overlaps(slot.start(), slot.end()));
  }
}
