package fr.cantou.visio;

import org.junit.jupiter.api.Test;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kept day takes each new booking in place, and what it then offers is exactly what a day
 * read and computed again from the database would offer: same slots, same booking windows,
 * same JSON. Bookings of agents with short and long buffers, at the point and elsewhere,
 * until the day is full (a fixed seed: the same bookings every run).
 */
class DayWithBookingTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  static final LocalDate DAY = LocalDate.of(2027, 3, 3); // a Wednesday
  static final Instant FROM = DAY.atStartOfDay(PARIS).toInstant();
  static final Instant TO = DAY.plusDays(1).atStartOfDay(PARIS).toInstant().plus(SlotCache.DAY_OVERHANG);
  final CatalogueStore.ServiceRow service = new CatalogueStore.ServiceRow(UUID.randomUUID(), UUID.randomUUID(), "Accueil CAF",
      "CAF", 30, null, List.of(), "CAF", PARIS);

  static SlotCalculator.AgentCalendar agent(int bufferMinutes, int noticeMinutes, String... ranges) {
    List<SlotCalculator.WeeklyRange> weekly = new ArrayList<>();
    for (String range : ranges) {
      String[] ends = range.split("-");
      weekly.add(new SlotCalculator.WeeklyRange(DayOfWeek.WEDNESDAY, LocalTime.parse(ends[0]), LocalTime.parse(ends[1])));
    }
    return new SlotCalculator.AgentCalendar(UUID.randomUUID(), Duration.ofMinutes(bufferMinutes),
        Duration.ofMinutes(noticeMinutes), Duration.ofDays(30), weekly, List.of(), List.of());
  }

  SlotDay computed(DayCalendars calendars) {
    List<SlotCalculator.OpenSlot> slots = new SlotCalculator(PARIS, Duration.ofMinutes(30))
        .openSlots(calendars.agents(), calendars.point(), DAY, DAY);
    return SlotDay.of(FROM, TO, 0, calendars, slots);
  }

  @Test
  void a_day_updated_booking_after_booking_offers_what_a_day_computed_again_offers() {
    List<SlotCalculator.AgentCalendar> agents = List.of(agent(0, 120, "08:00-12:00", "13:30-17:00"),
        agent(15, 60, "09:00-12:30"), agent(120, 120, "08:30-18:00"), agent(5, 1440, "14:00-16:00"));
    SlotCalculator.PointCalendar point = new SlotCalculator.PointCalendar(PARIS,
        List.of(new SlotCalculator.WeeklyRange(DayOfWeek.WEDNESDAY, LocalTime.of(8, 0), LocalTime.of(17, 0))), List.of());
    for (SlotCalculator.PointCalendar atPoint : java.util.Arrays.asList(null, point)) {
      DayCalendars calendars = new DayCalendars(service, agents, atPoint);
      SlotDay kept = computed(calendars);
      Random random = new Random(42);
      int booked = 0;
      while (!kept.slots().isEmpty()) {
        SlotCalculator.OpenSlot slot = kept.slots().get(random.nextInt(kept.slots().size()));
        List<SlotCalculator.AgentCalendar> open = new SlotCalculator(PARIS, Duration.ofMinutes(30))
            .openAgents(kept.calendars().agents(), kept.calendars().point(), slot.start());
        UUID agent = open.get(random.nextInt(open.size())).agentId();
        // Half of them made at this point (they take it), half elsewhere (they only take the agent).
        boolean here = atPoint != null && random.nextBoolean();

        SlotDay after = kept.withBooking(DAY, agent, here, slot.start(), slot.end());
        SlotDay again = computed(kept.calendars().withBooking(agent, here, slot.start(), slot.end()));

        assertThat(after.slots()).isEqualTo(again.slots());
        assertThat(after.json()).containsExactlyElementsOf(again.json()).hasSameSizeAs(again.json());
        for (int i = 0; i < after.json().size(); i++) {
          assertThat(after.json().get(i)).isEqualTo(again.json().get(i));
        }
        assertThat(new SlotCalculator(PARIS, Duration.ofMinutes(30)).openAgents(after.calendars().agents(),
            after.calendars().point(), slot.start())).extracting(SlotCalculator.AgentCalendar::agentId).doesNotContain(agent);
        assertThat(kept.withBooking(DAY, agent, here, slot.start(), slot.end()).withBooking(DAY, agent, here,
            slot.start(), slot.end()).slots()).as("the same booking twice (its own event after the answer)")
            .isEqualTo(after.slots());
        kept = after;
        booked++;
      }
      assertThat(booked).isGreaterThan(15);
    }
  }

  @Test
  void a_booking_off_the_days_grid_or_of_an_agent_it_does_not_hold_at_its_point_is_taken_as_a_new_read_would() {
    List<SlotCalculator.AgentCalendar> agents = List.of(agent(0, 120, "08:00-12:00"), agent(15, 60, "09:00-12:30"),
        agent(120, 120, "08:30-18:00"));
    SlotCalculator.PointCalendar point = new SlotCalculator.PointCalendar(PARIS,
        List.of(new SlotCalculator.WeeklyRange(DayOfWeek.WEDNESDAY, LocalTime.of(8, 0), LocalTime.of(17, 0))), List.of());
    SlotDay kept = computed(new DayCalendars(service, agents, point));
    Instant quarterPastTen = DAY.atTime(10, 15).atZone(PARIS).toInstant();
    Instant two = DAY.atTime(14, 0).atZone(PARIS).toInstant();

    // Another service of the agent with a 15-minute buffer: 45 minutes from 10:15, elsewhere.
    kept = takenAsReadAgain(kept, agents.get(1).agentId(), false, quarterPastTen, quarterPastTen.plus(Duration.ofMinutes(45)));
    // At this point, by an agent of another service (none of this day's): 14:00-14:20.
    takenAsReadAgain(kept, UUID.randomUUID(), true, two, two.plus(Duration.ofMinutes(20)));
  }

  private SlotDay takenAsReadAgain(SlotDay kept, UUID agent, boolean here, Instant start, Instant end) {
    SlotDay after = kept.withBooking(DAY, agent, here, start, end);
    SlotDay again = computed(kept.calendars().withBooking(agent, here, start, end));
    assertThat(after.slots()).isEqualTo(again.slots()).isNotEqualTo(kept.slots());
    assertThat(after.json()).hasSameSizeAs(again.json());
    for (int i = 0; i < after.json().size(); i++) {
      assertThat(after.json().get(i)).isEqualTo(again.json().get(i));
    }
    return after;
  }

  @Test
  void a_booking_the_kept_day_contradicts_sends_the_day_back_to_the_database() {
    SlotCalculator.AgentCalendar one = agent(0, 120, "09:00-12:00");
    DayCalendars calendars = new DayCalendars(service, List.of(one), null);
    Instant nine = DAY.atTime(9, 0).atZone(PARIS).toInstant();
    SlotDay kept = computed(calendars).withBooking(DAY, one.agentId(), false, nine, nine.plus(Duration.ofMinutes(30)));

    // Another node cancelled the 9:00 and booked 9:15–9:45 before this node heard of the cancellation.
    assertThat(kept.withBooking(DAY, one.agentId(), false, nine.plus(Duration.ofMinutes(15)),
        nine.plus(Duration.ofMinutes(45)))).isNull();
  }

  @Test
  void a_booking_of_an_agent_or_point_the_day_does_not_hold_leaves_it_as_it_is() {
    DayCalendars calendars = new DayCalendars(service, List.of(agent(0, 120, "09:00-12:00")), null);
    SlotDay kept = computed(calendars);
    Instant ten = DAY.atTime(10, 0).atZone(PARIS).toInstant();
    assertThat(kept.withBooking(DAY, UUID.randomUUID(), true, ten, ten.plus(Duration.ofMinutes(30)))).isSameAs(kept);
  }
}
