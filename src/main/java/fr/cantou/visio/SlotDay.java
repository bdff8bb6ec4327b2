package fr.cantou.visio;

import fr.cantou.platform.json.Json;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A day's open slots with their JSON already written (bytes: shared by every request, on any
 * thread, and never changed); {@code readFrom}–{@code readTo} is the period whose bookings and
 * leave were read to compute them, at {@code readAt} ({@link System#nanoTime()} when the read
 * began), into {@code calendars} (which a booking chooses its agent from).
 */
record SlotDay(Instant readFrom, Instant readTo, long readAt, DayCalendars calendars, List<SlotCalculator.OpenSlot> slots,
               List<byte[]> json) {
  boolean dependsOn(Instant start, Instant end) {
    return start.isBefore(readTo) && readFrom.isBefore(end);
  }

  /** A day computed from {@code calendars}, each slot's JSON written once. */
  static SlotDay of(Instant readFrom, Instant readTo, long readAt, DayCalendars calendars, List<SlotCalculator.OpenSlot> slots) {
    ZoneId zone = calendars.service().zone();
    List<byte[]> json = new ArrayList<>(slots.size());
    for (SlotCalculator.OpenSlot slot : slots) {
      json.add(json(slot, zone));
    }
    return new SlotDay(readFrom, readTo, readAt, calendars, List.copyOf(slots), List.copyOf(json));
  }

  private static byte[] json(SlotCalculator.OpenSlot slot, ZoneId zone) {
    return Json.encode(new VisioRecords.SlotView(VisioStore.local(slot.start(), zone), VisioStore.local(slot.end(), zone)))
        .getBytes();
  }

  /**
   * This day with one more booking, only the slots it can change worked out again: {@code this}
   * when the booking concerns none of its calendars or they hold it already, null when the day
   * must be read again.
   */
  SlotDay withBooking(LocalDate date, UUID agentId, boolean atThisPoint, Instant start, Instant end) {
    DayCalendars after = calendars.withBooking(agentId, atThisPoint, start, end);
    if (after == null || after == calendars) {
      return after == null ? null : this;
    }
    // Only the booked agent's periods (the booking and its buffer) and the point's changed: the
    // agent no longer takes a slot that, with the same buffer after it, meets them; the point no
    // longer takes one that meets the booking (fewer still). Every other slot stays as it was.
    Duration buffer = after.agents().stream().filter(a -> a.agentId().equals(agentId)).findFirst()
        .map(SlotCalculator.AgentCalendar::buffer).orElse(Duration.ZERO);
    Instant blockedUntil = end.plus(buffer);
    Predicate<SlotCalculator.Slot> near = slot -> slot.start().isBefore(blockedUntil)
        && start.isBefore(slot.end().plus(buffer));
    CatalogueStore.ServiceRow service = after.service();
    List<SlotCalculator.OpenSlot> again = new SlotCalculator(service.zone(), Duration.ofMinutes(service.durationMinutes()))
        .openSlots(after.agents(), after.point(), date, date, near);
    // Both lists are sorted by start: the slots near the booking are replaced by those worked out
    // again, which keep their JSON when their times are unchanged (a booking mostly closes slots).
    // A slot's end is its start plus the service's length, so `near` says the same of a kept slot
    // and of one worked out again at the same start: none is taken twice.
    ZoneId zone = service.zone();
    List<SlotCalculator.OpenSlot> merged = new ArrayList<>(slots.size());
    List<byte[]> json = new ArrayList<>(slots.size());
    int next = 0;
    for (int i = 0; i < slots.size(); i++) {
      SlotCalculator.OpenSlot slot = slots.get(i);
      while (next < again.size() && again.get(next).start().isBefore(slot.start())) {
        merged.add(again.get(next));
        json.add(json(again.get(next++), zone));
      }
      if (!near.test(slot.slot())) {
        merged.add(slot);
        json.add(this.json.get(i));
      } else if (next < again.size() && again.get(next).start().equals(slot.start())) {
        SlotCalculator.OpenSlot still = again.get(next++);
        merged.add(still);
        json.add(still.end().equals(slot.end()) ? this.json.get(i) : json(still, zone));
      }
    }
    for (; next < again.size(); next++) {
      merged.add(again.get(next));
      json.add(json(again.get(next), zone));
    }
    return new SlotDay(readFrom, readTo, readAt, after, List.copyOf(merged), List.copyOf(json));
  }
}
