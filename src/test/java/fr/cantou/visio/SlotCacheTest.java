package fr.cantou.visio;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** What the node keeps: each day loaded once, loads shared, failures and changed days dropped. */
class SlotCacheTest {
  static final ZoneId PARIS = ZoneId.of("Europe/Paris");
  final SlotCache cache = new SlotCache(1_000, Duration.ofMinutes(10));
  final UUID service = UUID.randomUUID();
  final List<LocalDate[]> loads = new ArrayList<>();

  /** Records each load and answers empty days. */
  Future<Map<LocalDate, SlotDay>> load(LocalDate from, LocalDate to) {
    loads.add(new LocalDate[] {from, to});
    Map<LocalDate, SlotDay> days = new HashMap<>();
    from.datesUntil(to.plusDays(1)).forEach(d -> days.put(d, new SlotDay(d.atStartOfDay(PARIS).toInstant(),
        d.plusDays(1).atStartOfDay(PARIS).toInstant().plus(SlotCache.DAY_OVERHANG), System.nanoTime(), null, List.of(),
        List.of())));
    return Future.succeededFuture(days);
  }

  static LocalDate day(int december) {
    return LocalDate.of(2026, 12, december);
  }

  @Test
  void days_already_computed_are_not_read_again_and_missing_ones_are_read_in_one_load() {
    cache.days(service, null, day(3), day(4), this::load);
    var week = cache.days(service, null, day(1), day(7), this::load);

    assertThat(week.result()).hasSize(7);
    assertThat(loads).hasSize(2);
    assertThat(loads.get(1)).as("one load from the first to the last missing day").containsExactly(day(1), day(7));
    cache.days(service, null, day(1), day(7), this::load);
    assertThat(loads).hasSize(2);
  }

  @Test
  void requests_arriving_while_a_day_loads_wait_for_that_load() {
    Promise<Map<LocalDate, SlotDay>> slow = Promise.promise();
    int[] calls = {0};
    SlotCache.Loader loader = (from, to) -> {
      calls[0]++;
      return slow.future();
    };
    var first = cache.days(service, null, day(1), day(1), loader);
    var second = cache.days(service, null, day(1), day(1), loader);
    assertThat(calls[0]).isEqualTo(1);

    load(day(1), day(1)).onSuccess(slow::complete);
    assertThat(first.succeeded() && second.succeeded()).isTrue();
  }

  @Test
  void a_failed_load_is_answered_but_not_kept() {
    var failed = cache.days(service, null, day(1), day(1), (from, to) -> Future.failedFuture("database away"));
    assertThat(failed.failed()).isTrue();

    var again = cache.days(service, null, day(1), day(1), this::load);
    assertThat(again.succeeded()).isTrue();
    assertThat(loads).hasSize(1);
  }

  @Test
  void a_change_of_bookings_drops_only_the_days_read_over_that_period_for_every_service_and_point() {
    UUID other = UUID.randomUUID();
    UUID point = UUID.randomUUID();
    cache.days(service, null, day(1), day(3), this::load);
    cache.days(other, point, day(1), day(3), this::load);
    loads.clear();

    // 2 December, 10:00–10:30 in Paris.
    cache.bookingsChanged(Instant.parse("2026-12-02T09:00:00Z"), Instant.parse("2026-12-02T09:30:00Z"));

    cache.days(service, null, day(1), day(3), this::load);
    cache.days(other, point, day(1), day(3), this::load);
    assertThat(loads).extracting(range -> range[0] + ".." + range[1]).containsExactly("2026-12-02..2026-12-02",
        "2026-12-02..2026-12-02");
  }

  @Test
  void an_early_booking_also_drops_the_day_before_whose_last_slots_and_buffer_reach_it() {
    cache.days(service, null, day(1), day(2), this::load);
    loads.clear();

    // 2 December, 0:30 in Paris: the overhang of 1 December's read covers it.
    cache.bookingsChanged(Instant.parse("2026-12-01T23:30:00Z"), Instant.parse("2026-12-02T00:00:00Z"));

    cache.days(service, null, day(1), day(2), this::load);
    assertThat(loads).extracting(range -> range[0] + ".." + range[1]).containsExactly("2026-12-01..2026-12-02");
  }

  @Test
  void a_booking_is_taken_in_place_by_the_days_kept_and_the_next_request_reads_nothing() {
    SlotCalculator.AgentCalendar agent = DayWithBookingTest.agent(0, 60, "09:00-12:00");
    LocalDate wednesday = DayWithBookingTest.DAY;
    SlotCache.Loader loader = (from, to) -> {
      loads.add(new LocalDate[] {from, to});
      DayCalendars calendars = new DayCalendars(row(), List.of(agent), null);
      return Future.succeededFuture(Map.of(wednesday, SlotDay.of(DayWithBookingTest.FROM, DayWithBookingTest.TO,
          System.nanoTime(), calendars, new SlotCalculator(PARIS, Duration.ofMinutes(30))
              .openSlots(calendars.agents(), null, wednesday, wednesday))));
    };
    assertThat(cache.days(service, null, wednesday, wednesday, loader).result().get(0).slots()).hasSize(6);

    Instant ten = wednesday.atTime(10, 0).atZone(PARIS).toInstant();
    cache.booked(agent.agentId(), null, ten, ten.plus(Duration.ofMinutes(30)));

    var after = cache.days(service, null, wednesday, wednesday, loader).result().get(0);
    assertThat(after.slots()).hasSize(5).extracting(SlotCalculator.OpenSlot::start).doesNotContain(ten);
    assertThat(loads).as("read once, before the booking").hasSize(1);
  }

  @Test
  void a_booking_made_while_its_day_is_read_is_taken_in_place_once_read_whether_the_read_saw_it_or_not() {
    SlotCalculator.AgentCalendar agent = DayWithBookingTest.agent(0, 60, "09:00-12:00");
    LocalDate wednesday = DayWithBookingTest.DAY;
    Instant ten = wednesday.atTime(10, 0).atZone(PARIS).toInstant();
    Instant eleven = wednesday.atTime(11, 0).atZone(PARIS).toInstant();
    // The read saw the 10:00 booking (committed before it), not the 11:00 one.
    SlotCalculator.AgentCalendar seen = new SlotCalculator.AgentCalendar(agent.agentId(), agent.buffer(), agent.minNotice(),
        agent.horizon(), agent.weekly(), agent.exceptions(), List.of(new SlotCalculator.Interval(ten,
        ten.plus(Duration.ofMinutes(30)).plus(agent.buffer()))));
    Promise<Map<LocalDate, SlotDay>> slow = Promise.promise();
    SlotCache.Loader loader = (from, to) -> {
      loads.add(new LocalDate[] {from, to});
      return slow.future();
    };
    Future<List<SlotDay>> asked = cache.days(service, null, wednesday, wednesday, loader);

    cache.booked(agent.agentId(), null, ten, ten.plus(Duration.ofMinutes(30)));
    cache.booked(agent.agentId(), null, eleven, eleven.plus(Duration.ofMinutes(30)));
    DayCalendars calendars = new DayCalendars(row(), List.of(seen), null);
    slow.complete(Map.of(wednesday, SlotDay.of(DayWithBookingTest.FROM, DayWithBookingTest.TO, System.nanoTime(),
        calendars, new SlotCalculator(PARIS, Duration.ofMinutes(30)).openSlots(calendars.agents(), null, wednesday, wednesday))));

    assertThat(asked.result().get(0).slots()).as("both taken, the one the read saw once")
        .hasSize(4).extracting(SlotCalculator.OpenSlot::start).doesNotContain(ten, eleven);
    var after = cache.days(service, null, wednesday, wednesday, loader).result().get(0);
    assertThat(after.slots()).hasSize(4);
    assertThat(loads).as("read once").hasSize(1);
  }

  CatalogueStore.ServiceRow row() {
    return new CatalogueStore.ServiceRow(service, UUID.randomUUID(), "CAF", "CAF", 30, null, List.of(), "CAF", PARIS);
  }

  /** {@link DayWithBookingTest#DAY} as read with the agent busy from a quarter past {@code ten} (a booking moved there). */
  SlotDay busyAtQuarterPast(SlotCalculator.AgentCalendar agent, Instant ten) {
    Instant quarterPast = ten.plus(Duration.ofMinutes(15));
    SlotCalculator.AgentCalendar busy = new SlotCalculator.AgentCalendar(agent.agentId(), agent.buffer(), agent.minNotice(),
        agent.horizon(), agent.weekly(), agent.exceptions(), List.of(new SlotCalculator.Interval(quarterPast,
        quarterPast.plus(Duration.ofMinutes(30)))));
    DayCalendars calendars = new DayCalendars(row(), List.of(busy), null);
    LocalDate day = DayWithBookingTest.DAY;
    return SlotDay.of(DayWithBookingTest.FROM, DayWithBookingTest.TO, System.nanoTime(), calendars,
        new SlotCalculator(PARIS, Duration.ofMinutes(30)).openSlots(calendars.agents(), null, day, day));
  }

  @Test
  void a_booking_that_a_day_read_meanwhile_cannot_take_leaves_it_to_be_read_again() {
    Promise<Map<LocalDate, SlotDay>> slow = Promise.promise();
    SlotCalculator.AgentCalendar agent = DayWithBookingTest.agent(0, 60, "09:00-12:00");
    LocalDate wednesday = DayWithBookingTest.DAY;
    Instant ten = wednesday.atTime(10, 0).atZone(PARIS).toInstant();
    cache.days(service, null, wednesday, wednesday, (from, to) -> slow.future());

    // The read says the agent is busy at 10:15 (a booking moved there meanwhile): 10:00 cannot be taken in place.
    cache.booked(agent.agentId(), null, ten, ten.plus(Duration.ofMinutes(30)));
    slow.complete(Map.of(wednesday, busyAtQuarterPast(agent, ten)));

    cache.days(service, null, wednesday, wednesday, this::load);
    assertThat(loads).as("read again").hasSize(1);
  }

  @Test
  void a_request_sharing_a_read_started_on_another_event_loop_goes_on_on_its_own() throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx(new io.vertx.core.VertxOptions().setEventLoopPoolSize(2));
    try {
      io.vertx.core.Context first = newContext(vertx);
      Thread firstLoop = onLoop(first, Thread::currentThread);
      io.vertx.core.Context second = newContext(vertx);
      for (int i = 0; i < 4 && onLoop(second, Thread::currentThread) == firstLoop; i++) {
        second = newContext(vertx); // contexts are given the loops in turn
      }
      Thread secondLoop = onLoop(second, Thread::currentThread);
      assertThat(secondLoop).as("two loops").isNotSameAs(firstLoop);
      Promise<Map<LocalDate, SlotDay>> read = Promise.promise();
      onLoop(first, () -> cache.days(service, null, day(1), day(1), (from, to) -> read.future()));
      java.util.concurrent.CompletableFuture<Thread> wentOnOn = new java.util.concurrent.CompletableFuture<>();
      onLoop(second, () -> cache.days(service, null, day(1), day(1), this::load)
          .onComplete(ar -> wentOnOn.complete(Thread.currentThread())));

      onLoop(first, () -> load(day(1), day(1)).onSuccess(read::complete));

      assertThat(wentOnOn.get(10, java.util.concurrent.TimeUnit.SECONDS)).isSameAs(secondLoop);
      assertThat(loads).as("one read, shared").hasSize(1);
    } finally {
      vertx.close().await();
    }
  }

  /** A context of its own: made from a thread that has none. */
  static io.vertx.core.Context newContext(io.vertx.core.Vertx vertx) throws Exception {
    java.util.concurrent.CompletableFuture<io.vertx.core.Context> made = new java.util.concurrent.CompletableFuture<>();
    new Thread(() -> made.complete(vertx.getOrCreateContext())).start();
    return made.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  /** Runs on the context's loop and waits for the result. */
  static <T> T onLoop(io.vertx.core.Context context, java.util.function.Supplier<T> action) throws Exception {
    java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
    context.runOnContext(v -> done.complete(action.get()));
    return done.get(10, java.util.concurrent.TimeUnit.SECONDS);
  }

  @Test
  void keeping_nothing_reads_every_request() {
    SlotCache none = new SlotCache(0, Duration.ofMinutes(10));
    none.days(service, null, day(1), day(2), this::load);
    none.days(service, null, day(1), day(2), this::load);
    assertThat(loads).hasSize(2);
  }

  @Test
  void an_answer_made_from_days_read_before_a_change_is_not_kept_and_one_made_after_is() {
    SlotAnswers.Key key = new SlotAnswers.Key(service, null, day(1), day(7));
    java.time.Instant now = day(1).atStartOfDay(PARIS).toInstant();
    long stamp = cache.answers().stamp();
    List<SlotDay> week = cache.days(service, null, day(1), day(7), this::load).result();
    java.time.Instant wednesday = day(3).atStartOfDay(PARIS).toInstant().plus(Duration.ofHours(9));
    cache.bookingsChanged(wednesday, wednesday.plus(Duration.ofMinutes(30)));

    cache.answers().answer(key, stamp, week, now);
    assertThat(cache.answers().get(key, now)).as("made from days read before the change").isNull();

    stamp = cache.answers().stamp();
    week = cache.days(service, null, day(1), day(7), this::load).result();
    cache.answers().answer(key, stamp, week, now);
    assertThat(cache.answers().get(key, now)).as("nothing changed meanwhile").isNotNull();
    cache.bookingsChanged(wednesday, wednesday.plus(Duration.ofMinutes(30)));
    assertThat(cache.answers().get(key, now)).as("dropped by a change of its period").isNull();
  }

  @Test
  void the_answers_kept_stay_bounded_however_many_distinct_ranges_are_asked() {
    java.time.Instant now = day(1).atStartOfDay(PARIS).toInstant();
    for (int start = 0; start < 100; start++) {
      for (int length = 0; length < 62; length++) {
        SlotAnswers.Key key = new SlotAnswers.Key(service, null, day(1).plusDays(start), day(1).plusDays(start + length));
        cache.answers().answer(key, cache.answers().stamp(), List.of(), now);
      }
    }
    assertThat(cache.answers().size()).isBetween(1L, (long) SlotCache.MAX_ANSWERS);
  }

  @Test
  void an_answer_for_a_range_far_in_the_past_or_beyond_the_longest_horizon_is_not_kept() {
    java.time.Instant now = day(1).atStartOfDay(PARIS).toInstant();
    LocalDate furthest = day(1).plusDays(SlotAnswers.LONGEST_HORIZON_DAYS);
    for (LocalDate from : List.of(day(1).minusDays(3), furthest.plusDays(3), LocalDate.of(2100, 1, 1), day(1).minusDays(1),
        furthest)) {
      SlotAnswers.Key key = new SlotAnswers.Key(service, null, from, from.plusDays(6));
      cache.answers().answer(key, cache.answers().stamp(), List.of(), now);
    }
    assertThat(cache.answers().size()).as("yesterday and the longest horizon only").isEqualTo(2);
  }

  @Test
  void a_booking_walks_only_the_answers_of_its_agent_and_point() {
    java.time.Instant now = day(1).atStartOfDay(PARIS).toInstant();
    SlotCalculator.AgentCalendar agent = DayWithBookingTest.agent(0, 60, "09:00-12:00");
    SlotDay mine = SlotDay.of(day(3).atStartOfDay(PARIS).toInstant(), day(4).atStartOfDay(PARIS).toInstant(),
        System.nanoTime(), new DayCalendars(row(), List.of(agent), null), List.of());
    for (int i = 0; i < 500; i++) { // other services' answers, over the same days
      SlotAnswers.Key other = new SlotAnswers.Key(UUID.randomUUID(), null, day(1), day(7));
      cache.answers().answer(other, cache.answers().stamp(), List.of(emptyDay(day(3))), now);
    }
    SlotAnswers.Key key = new SlotAnswers.Key(service, null, day(1), day(7));
    cache.answers().answer(key, cache.answers().stamp(), List.of(mine), now);
    java.time.Instant ten = day(3).atTime(10, 0).atZone(PARIS).toInstant();

    int walked = cache.answers().booked(agent.agentId(), UUID.randomUUID(), ten, ten.plus(Duration.ofMinutes(30)));

    assertThat(walked).as("its agent's answer only").isEqualTo(1);
    assertThat(cache.answers().get(key, now)).as("dropped").isNull();
    assertThat(cache.answers().size()).as("the others kept").isEqualTo(500);
  }

  static SlotDay emptyDay(LocalDate d) {
    return new SlotDay(d.atStartOfDay(PARIS).toInstant(), d.plusDays(1).atStartOfDay(PARIS).toInstant(), System.nanoTime(),
        null, List.of(), List.of());
  }

  @Test
  void an_answer_made_from_a_day_read_meanwhile_that_cannot_take_a_booking_is_not_kept() {
    Promise<Map<LocalDate, SlotDay>> slow = Promise.promise();
    SlotCalculator.AgentCalendar agent = DayWithBookingTest.agent(0, 60, "09:00-12:00");
    LocalDate wednesday = DayWithBookingTest.DAY;
    java.time.Instant now = wednesday.minusDays(1).atStartOfDay(PARIS).toInstant();
    Instant ten = wednesday.atTime(10, 0).atZone(PARIS).toInstant();
    cache.days(service, null, wednesday, wednesday, (from, to) -> slow.future());
    cache.booked(agent.agentId(), null, ten, ten.plus(Duration.ofMinutes(30)));
    // A request after the booking shares the read under way.
    long stamp = cache.answers().stamp();
    Future<List<SlotDay>> shared = cache.days(service, null, wednesday, wednesday, this::load);

    // The read says the agent is busy at 10:15 (a booking moved there meanwhile): 10:00 cannot be taken in place.
    slow.complete(Map.of(wednesday, busyAtQuarterPast(agent, ten)));

    SlotAnswers.Key key = new SlotAnswers.Key(service, null, wednesday, wednesday);
    cache.answers().answer(key, stamp, shared.result(), now);
    assertThat(cache.answers().get(key, now)).as("made from a read that does not hold the booking").isNull();
  }
}
