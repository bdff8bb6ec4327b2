package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Slot computation: weekly ranges, exceptions, holidays, buffer, notice, horizon, DST days, point hours. */
class SlotCalculatorTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final Duration HALF_HOUR = Duration.ofMinutes(30);
  /**
   * The "now" every computation here is given: the calculator reads no clock, so these fixed
   * dates give the same slots on any day the suite runs.
   */
  static final Instant LONG_BEFORE = Instant.parse("2026-01-01T00:00:00Z");
  final SlotCalculator calculator = new SlotCalculator(PARIS, HALF_HOUR);

  static SlotCalculator.AgentCalendar agent(List<SlotCalculator.WeeklyRange> weekly, List<SlotCalculator.Interval> exceptions,
                                            List<SlotCalculator.Interval> busy, Duration buffer) {
    return new SlotCalculator.AgentCalendar(UUID.randomUUID(), buffer, Duration.ZERO, Duration.ofDays(3650), weekly, exceptions,
        busy);
  }

  static List<SlotCalculator.WeeklyRange> everyDay(LocalTime start, LocalTime end) {
    return java.util.Arrays.stream(DayOfWeek.values()).map(d -> new SlotCalculator.WeeklyRange(d, start, end)).toList();
  }

  static Instant paris(String localDateTime) {
    return java.time.LocalDateTime.parse(localDateTime).atZone(PARIS).toInstant();
  }

  static List<String> localStarts(List<SlotCalculator.Slot> slots) {
    return slots.stream().map(s -> s.start().atZone(PARIS).toLocalDateTime().toString()).toList();
  }

  @Test
  void weekly_ranges_are_cut_into_slots_of_the_service_duration() {
    var monday = LocalDate.of(2026, 11, 23);
    var a = agent(List.of(new SlotCalculator.WeeklyRange(DayOfWeek.MONDAY, LocalTime.of(9, 0), LocalTime.of(10, 45)),
        new SlotCalculator.WeeklyRange(DayOfWeek.MONDAY, LocalTime.of(14, 0), LocalTime.of(15, 0))), List.of(), List.of(), Duration.ZERO);
    assertThat(localStarts(calculator.freeSlots(List.of(a), null, monday, monday.plusDays(1), LONG_BEFORE)))
        .containsExactly("2026-11-23T09:00", "2026-11-23T09:30", "2026-11-23T10:00", "2026-11-23T14:00", "2026-11-23T14:30");
  }

  @Test
  void slots_keep_local_time_on_both_daylight_saving_days() {
    var springForward = LocalDate.of(2026, 3, 29);
    var fallBack = LocalDate.of(2026, 10, 25);
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(10, 0)), List.of(), List.of(), Duration.ZERO);
    List<SlotCalculator.Slot> spring = calculator.freeSlots(List.of(a), null, springForward, springForward, LONG_BEFORE);
    List<SlotCalculator.Slot> autumn = calculator.freeSlots(List.of(a), null, fallBack, fallBack, LONG_BEFORE);
    assertThat(localStarts(spring)).containsExactly("2026-03-29T09:00", "2026-03-29T09:30");
    assertThat(spring.get(0).start()).isEqualTo(Instant.parse("2026-03-29T07:00:00Z"));
    assertThat(localStarts(autumn)).containsExactly("2026-10-25T09:00", "2026-10-25T09:30");
    assertThat(autumn.get(0).start()).isEqualTo(Instant.parse("2026-10-25T08:00:00Z"));
  }

  @Test
  void a_local_time_the_clocks_skip_is_no_slot() {
    var springForward = LocalDate.of(2026, 3, 29);
    var a = agent(everyDay(LocalTime.of(1, 30), LocalTime.of(3, 30)), List.of(), List.of(), Duration.ZERO);
    assertThat(localStarts(calculator.freeSlots(List.of(a), null, springForward, springForward, LONG_BEFORE)))
        .containsExactly("2026-03-29T01:30", "2026-03-29T03:00");
  }

  @Test
  void public_holidays_have_no_slots() {
    var armistice = LocalDate.of(2026, 11, 11);
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(12, 0)), List.of(), List.of(), Duration.ZERO);
    assertThat(calculator.freeSlots(List.of(a), null, armistice, armistice, LONG_BEFORE)).isEmpty();
    assertThat(calculator.freeSlots(List.of(a), null, LocalDate.of(2026, 5, 14), LocalDate.of(2026, 5, 14), LONG_BEFORE))
        .as("Ascension").isEmpty();
  }

  @Test
  void an_exception_removes_the_slots_it_touches() {
    var day = LocalDate.of(2026, 11, 24);
    var leave = new SlotCalculator.Interval(paris("2026-11-24T09:15"), paris("2026-11-24T10:00"));
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(11, 0)), List.of(leave), List.of(), Duration.ZERO);
    assertThat(localStarts(calculator.freeSlots(List.of(a), null, day, day, LONG_BEFORE)))
        .containsExactly("2026-11-24T10:00", "2026-11-24T10:30");
  }

  @Test
  void the_buffer_after_a_booked_appointment_is_kept_free() {
    var day = LocalDate.of(2026, 11, 24);
    // Booked 10:00–10:30 with a 10-minute buffer: taken until 10:40.
    var booked = new SlotCalculator.Interval(paris("2026-11-24T10:00"), paris("2026-11-24T10:40"));
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(11, 30)), List.of(), List.of(booked), Duration.ofMinutes(10));
    assertThat(localStarts(calculator.freeSlots(List.of(a), null, day, day, LONG_BEFORE)))
        .as("9:30 would end at 10:00 and need its buffer until 10:10; 10:30 overlaps the buffer")
        .containsExactly("2026-11-24T09:00", "2026-11-24T11:00");
  }

  @Test
  void minimum_notice_and_horizon_bound_the_slots() {
    var a = new SlotCalculator.AgentCalendar(UUID.randomUUID(), Duration.ZERO, Duration.ofHours(2), Duration.ofDays(2),
        everyDay(LocalTime.of(9, 0), LocalTime.of(12, 0)), List.of(), List.of());
    Instant now = paris("2026-11-24T09:10");
    List<String> starts = localStarts(calculator.freeSlots(List.of(a), null, LocalDate.of(2026, 11, 24),
        LocalDate.of(2026, 11, 30), now));
    assertThat(starts).first().isEqualTo("2026-11-24T11:30");
    assertThat(starts).last().isEqualTo("2026-11-26T09:00");
  }

  @Test
  void a_slot_is_free_when_any_agent_is() {
    var day = LocalDate.of(2026, 11, 24);
    var busy = new SlotCalculator.Interval(paris("2026-11-24T09:00"), paris("2026-11-24T09:30"));
    var first = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(10, 0)), List.of(), List.of(busy), Duration.ZERO);
    var second = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(10, 0)), List.of(), List.of(), Duration.ZERO);
    assertThat(localStarts(calculator.freeSlots(List.of(first, second), null, day, day, LONG_BEFORE)))
        .containsExactly("2026-11-24T09:00", "2026-11-24T09:30");
    assertThat(calculator.freeAgents(List.of(first, second), null, paris("2026-11-24T09:00"), LONG_BEFORE))
        .containsExactly(second.agentId());
  }

  @Test
  void at_a_point_the_point_must_be_open_and_free_too() {
    var day = LocalDate.of(2026, 11, 24);
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(12, 0)), List.of(), List.of(), Duration.ZERO);
    var point = new SlotCalculator.PointCalendar(PARIS,
        List.of(new SlotCalculator.WeeklyRange(DayOfWeek.TUESDAY, LocalTime.of(10, 0), LocalTime.of(11, 15))),
        List.of(new SlotCalculator.Interval(paris("2026-11-24T10:00"), paris("2026-11-24T10:30"))));
    assertThat(localStarts(calculator.freeSlots(List.of(a), point, day, day, LONG_BEFORE))).containsExactly("2026-11-24T10:30");
  }

  @Test
  void zoned_times_of_slots_carry_the_paris_offset() {
    var day = LocalDate.of(2026, 7, 1);
    var a = agent(everyDay(LocalTime.of(9, 0), LocalTime.of(9, 30)), List.of(), List.of(), Duration.ZERO);
    var slot = calculator.freeSlots(List.of(a), null, day, day, LONG_BEFORE).get(0);
    assertThat(ZonedDateTime.ofInstant(slot.start(), PARIS).getOffset().getTotalSeconds()).isEqualTo(7200);
  }

  @Test
  void slots_computed_once_are_bookable_exactly_when_an_agent_could_take_them_at_that_time() {
    var day = LocalDate.of(2026, 11, 24);
    // Agents with different notices and horizons, one on leave part of the morning, one booked at 10:00.
    var quick = new SlotCalculator.AgentCalendar(UUID.randomUUID(), Duration.ZERO, Duration.ofHours(1), Duration.ofDays(2),
        everyDay(LocalTime.of(9, 0), LocalTime.of(12, 0)),
        List.of(new SlotCalculator.Interval(paris("2026-11-24T09:00"), paris("2026-11-24T10:00"))), List.of());
    var slow = new SlotCalculator.AgentCalendar(UUID.randomUUID(), Duration.ofMinutes(15), Duration.ofDays(3),
        Duration.ofDays(30), everyDay(LocalTime.of(9, 0), LocalTime.of(12, 0)), List.of(),
        List.of(new SlotCalculator.Interval(paris("2026-11-24T10:00"), paris("2026-11-24T10:45"))));
    // A third whose notice is longer than another's horizon: its window stands apart.
    var far = new SlotCalculator.AgentCalendar(UUID.randomUUID(), Duration.ZERO, Duration.ofDays(10), Duration.ofDays(20),
        everyDay(LocalTime.of(11, 0), LocalTime.of(12, 0)), List.of(), List.of());
    List<SlotCalculator.AgentCalendar> agents = List.of(quick, slow, far);
    List<SlotCalculator.OpenSlot> open = calculator.openSlots(agents, null, day, day);

    for (Instant now = paris("2026-10-20T00:00"); now.isBefore(paris("2026-11-24T12:00")); now = now.plus(Duration.ofMinutes(37))) {
      for (SlotCalculator.OpenSlot slot : open) {
        assertThat(slot.bookableAt(now)).as("%s at %s", slot.start(), now)
            .isEqualTo(!calculator.freeAgents(agents, null, slot.start(), now).isEmpty());
      }
    }
    var eleven = open.stream().filter(s -> s.start().equals(paris("2026-11-24T11:00"))).findFirst().orElseThrow();
    assertThat(eleven.bookable()).as("quick and slow overlap into one window; far stands apart").hasSize(2);
  }
  /**
   * A booking asks which agents are open for its slot without laying the day out: on ordinary
   * and daylight-saving days, with ranges that do not start on the hour and nights through the
   * clocks' change, the agents it finds at every quarter of an hour are exactly those whose own
   * slots the day's computation lists there.
   */
  @Test
  void the_agents_open_for_a_slot_are_those_whose_computed_slots_hold_it() {
    var busyAt = paris("2026-10-25T10:15");
    var night = agent(everyDay(LocalTime.of(0, 0), LocalTime.of(5, 0)), List.of(), List.of(), Duration.ZERO);
    var odd = agent(everyDay(LocalTime.of(9, 15), LocalTime.of(11, 50)), List.of(),
        List.of(new SlotCalculator.Interval(busyAt, busyAt.plus(HALF_HOUR))), Duration.ofMinutes(20));
    var late = agent(everyDay(LocalTime.of(22, 0), LocalTime.of(23, 59)), List.of(), List.of(), Duration.ZERO);
    for (LocalDate day : List.of(LocalDate.of(2026, 3, 29), LocalDate.of(2026, 10, 25), LocalDate.of(2026, 11, 24))) {
      for (SlotCalculator.AgentCalendar agent : List.of(night, odd, late)) {
        List<Instant> computed = calculator.openSlots(List.of(agent), null, day, day).stream()
            .map(SlotCalculator.OpenSlot::start).toList();
        for (Instant t = day.atStartOfDay(PARIS).toInstant(); t.isBefore(day.plusDays(1).atStartOfDay(PARIS).toInstant());
             t = t.plus(Duration.ofMinutes(15))) {
          assertThat(calculator.openAgents(List.of(agent), null, t)).as("%s at %s", agent.weekly().get(0), t)
              .hasSize(computed.contains(t) ? 1 : 0);
        }
      }
    }
  }
}
