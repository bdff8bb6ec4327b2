package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.LiveReads;
import fr.cantou.realtime.Viewer;
import fr.cantou.support.Eventually;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pushes of an event are written as rows naming their readers (V74), at most 1,000 a row,
 * and read back as a line per reader, in the order they were pushed, each event's apart.
 */
class PushAuditRowsTest {
  @Test
  void an_event_pushed_to_2500_doctors_is_rows_of_at_most_1000_readers_read_as_2500_lines_and_another_event_keeps_its_own() {
    try (TestNode node = TestNode.start()) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID request = UUID.randomUUID();
      UUID other = UUID.randomUUID();
      EventRecord queued = event(1, request);
      EventRecord another = event(2, other);
      List<Viewer> doctors = doctors(2_500);
      // Two loops: the first doctor holds a socket on each, which both loops say.
      audit.offeredToAll(queued, 1_500, reads(doctors.subList(0, 1_500), Set.of(doctors.get(0))));
      List<Viewer> secondLoop = new ArrayList<>(doctors.subList(1_500, 2_500));
      secondLoop.add(500, doctors.get(0));
      audit.offeredToAll(queued, 1_001, reads(secondLoop, Set.of(doctors.get(0))));
      for (int i : new int[] {7, 1_007, 2_007}) {
        audit.offeredToAll(another, 1, reads(List.of(doctors.get(i)), false));
      }
      TestNode.await(audit.stop());

      var rows = TestNode.await(node.node().platform().pool()
          .preparedQuery("SELECT cardinality(readers) AS n FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
          .execute(Tuple.of(request)));
      List<Integer> sizes = new ArrayList<>();
      rows.forEach(r -> sizes.add(r.getInteger("n")));
      assertThat(sizes).as("readers per row").allSatisfy(n -> assertThat(n).isBetween(1, 1_000));
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).as("the first doctor read it once").isEqualTo(2_500);
      assertThat(sizes).as("a row per batch of the event, full rows apart").hasSizeLessThanOrEqualTo(4);

      var lines = TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), request));
      assertThat(lines).extracting(HealthDataAccessStore.Access::action).containsOnly("push");
      assertThat(lines).extracting(HealthDataAccessStore.Access::userId)
          .containsExactlyElementsOf(doctors.stream().map(d -> d.principal().userId()).toList());
      assertThat(TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), other)))
          .extracting(HealthDataAccessStore.Access::userId)
          .containsExactly(doctors.get(7).principal().userId(), doctors.get(1_007).principal().userId(),
              doctors.get(2_007).principal().userId());
      assertThat(TestNode.await(new HealthDataAccessStore().auditCount(node.node().platform().pool(), request)))
          .isEqualTo(2_500);
    }
  }

  /**
   * A person's sockets on two loops read an event once, whichever loop's reads come first: both
   * loops know her held on the other. A catch-up's resend a moment after the live push is the
   * same read; from another address, a read of its own.
   */
  @Test
  void the_same_read_from_another_loop_or_a_catch_up_a_moment_later_is_one_line_and_another_address_is_its_own() {
    try (TestNode node = TestNode.start()) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      Viewer her = doctor("203.0.113.9");
      Viewer colleague = doctor("203.0.113.10");
      Viewer herAtHome = Viewer.of(her.principal().from("198.51.100.7"));
      // Event 1: the loop that also pushed to her colleague first.
      audit.offeredToAll(event(1, first), 2, reads(List.of(her, colleague), Set.of(her)));
      audit.offeredToAll(event(1, first), 1, reads(List.of(her), true));
      TestNode.await(audit.flush());
      audit.replayed(her, event(1, first));
      audit.replayed(herAtHome, event(1, first));
      // Event 2: the other way round, in one flush.
      audit.offeredToAll(event(2, second), 1, reads(List.of(her), true));
      audit.offeredToAll(event(2, second), 2, reads(List.of(colleague, her), Set.of(her)));
      TestNode.await(audit.stop());

      var pool = node.node().platform().pool();
      assertThat(readersByRow(pool, first)).containsExactly(
          List.of(her.principal().userId(), colleague.principal().userId()), List.of(her.principal().userId()));
      assertThat(TestNode.await(pool.preparedQuery("SELECT addresses FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
          .execute(Tuple.of(first))).iterator().next().getArrayOfStrings("addresses"))
          .containsExactly("203.0.113.9", "203.0.113.10");
      assertThat(readersByRow(pool, second)).as("her first read, then her colleague's")
          .containsExactly(List.of(her.principal().userId(), colleague.principal().userId()));
    }
  }

  /**
   * The node follows another database (a failover, a restore): its events' ids start again and may be ids remembered
   * here, of other items. A read of the new database's event is a line of its own, even when its id is that of an event
   * she read a moment ago on the old one.
   */
  @Test
  void after_the_database_is_replaced_an_event_id_met_before_is_a_read_of_its_own() {
    try (TestNode node = TestNode.start()) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID before = UUID.randomUUID();
      UUID after = UUID.randomUUID();
      Viewer her = doctor("203.0.113.11");
      audit.offeredToAll(event(7, before), 1, reads(List.of(her), Set.of(her)));
      TestNode.await(audit.flush());
      audit.databaseReplaced();
      // Event 7 of the new database, about another request: pushed to her on two loops.
      audit.offeredToAll(event(7, after), 1, reads(List.of(her), Set.of(her)));
      audit.offeredToAll(event(7, after), 1, reads(List.of(her), Set.of(her)));
      TestNode.await(audit.stop());

      var pool = node.node().platform().pool();
      assertThat(readersByRow(pool, before)).containsExactly(List.of(her.principal().userId()));
      assertThat(readersByRow(pool, after)).as("one read, on two loops").containsExactly(List.of(her.principal().userId()));
    }
  }

  /**
   * A batch the database could not take (the table away a moment) is written at the next flush as
   * it was, and the pushes that came meanwhile get rows of their own: another event of the same
   * item is another row, not merged into the earlier one's (nor given its time).
   */
  @Test
  void a_batch_written_again_after_a_failure_keeps_its_rows_and_the_new_pushes_their_own() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID first = UUID.randomUUID();
      UUID second = UUID.randomUUID();
      Viewer u1 = doctor("203.0.113.1");
      Viewer u2 = doctor("203.0.113.2");
      Viewer u3 = doctor("203.0.113.3");
      Viewer u4 = doctor("203.0.113.4");
      TestNode.await(pool.query("ALTER TABLE health_data_push RENAME TO health_data_push_away").execute());
      audit.offeredToAll(event(1, first), 1, reads(List.of(u1), false));
      audit.offeredToAll(event(2, second), 1, reads(List.of(u2), false));
      audit.offeredToAll(event(1, first), 1, reads(List.of(u3), false));
      TestNode.await(audit.flush());
      TestNode.await(pool.query("ALTER TABLE health_data_push_away RENAME TO health_data_push").execute());
      // The second item's next event, while the first batch waits to be written again.
      audit.offeredToAll(event(3, second), 1, reads(List.of(u4), false));
      TestNode.await(audit.flush());

      assertThat(readersByRow(pool, first)).containsExactly(List.of(u1.principal().userId(), u3.principal().userId()));
      assertThat(readersByRow(pool, second)).containsExactly(List.of(u2.principal().userId()), List.of(u4.principal().userId()));
    }
  }

  /**
   * A batch the database refuses for its data would be refused at every try: its rows are written
   * one by one, the row refused alone is dropped (each push said at ERROR), the others of its
   * batch are written, and the pushes after it too, not held behind it for ever.
   */
  @Test
  void a_row_the_database_refuses_for_its_data_takes_neither_its_batch_nor_the_later_audits_with_it() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      TestNode.await(pool.query("ALTER TABLE health_data_push ADD CONSTRAINT refused_here"
          + " CHECK (NOT ('198.51.100.66' = ANY (addresses)))").execute());
      UUID refusedItem = UUID.randomUUID();
      UUID sameBatch = UUID.randomUUID();
      UUID later = UUID.randomUUID();
      Viewer beside = doctor("203.0.113.4");
      audit.offeredToAll(event(1, sameBatch), 1, reads(List.of(beside), false));
      audit.offeredToAll(event(2, refusedItem), 1, reads(List.of(doctor("198.51.100.66")), false));
      TestNode.await(audit.flush());
      Viewer next = doctor("203.0.113.5");
      audit.offeredToAll(event(3, later), 1, reads(List.of(next), false));
      TestNode.await(audit.flush());

      assertThat(readersByRow(pool, sameBatch)).as("the other row of the refused batch")
          .containsExactly(List.of(beside.principal().userId()));
      assertThat(readersByRow(pool, later)).containsExactly(List.of(next.principal().userId()));
      assertThat(readersByRow(pool, refusedItem)).isEmpty();
    }
  }

  /**
   * Only the readers a loop marks as held on another loop too are compared: her second loop's
   * read is the same read, her colleague beside her (held on one loop) is not compared at all.
   */
  @Test
  void only_a_person_held_on_several_loops_is_compared_with_the_other_loops_reads() {
    try (TestNode node = TestNode.start()) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID item = UUID.randomUUID();
      Viewer her = doctor("203.0.113.9");
      Viewer colleague = doctor("203.0.113.10");
      Viewer other = doctor("203.0.113.11");
      audit.offeredToAll(event(1, item), 2, reads(List.of(her, colleague), Set.of(her)));
      audit.offeredToAll(event(1, item), 2, reads(List.of(other, her), Set.of(her)));
      TestNode.await(audit.stop());

      assertThat(readersByRow(node.node().platform().pool(), item)).containsExactly(
          List.of(her.principal().userId(), colleague.principal().userId(), other.principal().userId()));
    }
  }

  /**
   * The 10 s within which a resend is the same read are counted from the pushes, not from the
   * flush that judges them: a flush held up for minutes (the database away) still writes a tab
   * resuming two minutes after the live push as a read of its own.
   */
  @Test
  void a_resend_minutes_after_the_live_push_is_a_read_of_its_own_even_when_both_wait_for_one_flush() {
    MutableClock clock = MutableClock.startingNow();
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), clock)) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID item = UUID.randomUUID();
      Viewer her = doctor("203.0.113.9");
      audit.offeredToAll(event(1, item), 1, reads(List.of(her), false));
      clock.advance(java.time.Duration.ofMinutes(2));
      audit.replayed(her, event(1, item));
      audit.replayed(her, event(1, item));
      TestNode.await(audit.stop());

      var pool = node.node().platform().pool();
      assertThat(readersByRow(pool, item)).as("the live push, then the resend once, each a row at its time")
          .containsExactly(List.of(her.principal().userId()), List.of(her.principal().userId()));
      assertThat(TestNode.await(pool.preparedQuery("SELECT at FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
          .execute(Tuple.of(item))).iterator().next().getOffsetDateTime("at").toInstant())
          .isEqualTo(clock.instant().minus(java.time.Duration.ofMinutes(2)).truncatedTo(java.time.temporal.ChronoUnit.MICROS));
    }
  }

  /** A stop ends once the insert in flight has: the pool is closed after it, never under it. */
  @Test
  void a_stop_waits_for_the_insert_in_flight() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      UUID item = UUID.randomUUID();
      Viewer her = doctor("203.0.113.9");
      var locker = lockedTable(pool);
      audit.offeredToAll(event(1, item), 1, reads(List.of(her), false));
      audit.flush();
      insertWaitsForTheLock(pool);

      var stopped = audit.stop();
      assertThat(stopped.isComplete()).as("stopped while its insert waits").isFalse();
      TestNode.await(locker.query("COMMIT").execute());
      TestNode.await(locker.close());
      TestNode.await(stopped);
      assertThat(readersByRow(pool, item)).containsExactly(List.of(her.principal().userId()));
    }
  }

  /**
   * An insert that has not ended when the stop's patience has (a database that no longer answers):
   * its reads are said at ERROR too, as is a read heard after the stop.
   */
  @Test
  void a_stop_says_the_reads_of_an_insert_that_has_not_ended_and_those_heard_after_it() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore(), java.time.Duration.ofMillis(300),
          PushAudit.MAX_WAITING);
      UUID item = UUID.randomUUID();
      Viewer her = doctor("203.0.113.9");
      Viewer late = doctor("203.0.113.10");
      var locker = lockedTable(pool);
      try (Lines lines = new Lines()) {
        audit.offeredToAll(event(1, item), 1, reads(List.of(her), false));
        audit.flush();
        insertWaitsForTheLock(pool);
        TestNode.await(audit.stop());
        audit.offeredToAll(event(2, item), 1, reads(List.of(late), false));

        assertThat(lines.dropped()).anySatisfy(line -> assertThat(line).contains("user=" + her.principal().userId())
            .contains("its insert had not ended"));
        assertThat(lines.dropped()).anySatisfy(line -> assertThat(line).contains("user=" + late.principal().userId()));
      } finally {
        TestNode.await(locker.query("COMMIT").execute());
        TestNode.await(locker.close());
      }
    }
  }

  /** A database that still refuses when the node stops: each read not written is a line at ERROR, who, what, when, where. */
  @Test
  void a_stop_the_database_refuses_says_each_read_left_at_error() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore(), java.time.Duration.ofMillis(300),
          PushAudit.MAX_WAITING);
      Viewer tried = doctor("203.0.113.7");
      Viewer waiting = doctor("203.0.113.8");
      UUID item = UUID.randomUUID();
      TestNode.await(pool.query("ALTER TABLE health_data_push RENAME TO health_data_push_away").execute());
      try (Lines lines = new Lines()) {
        audit.offeredToAll(event(1, item), 1, reads(List.of(tried), false));
        TestNode.await(audit.flush());
        audit.offeredToAll(event(2, item), 1, reads(List.of(waiting), false));
        TestNode.await(audit.stop());

        assertThat(lines.dropped()).anySatisfy(line -> assertThat(line).startsWith("event=push_audit_dropped item=" + item
            + " user=" + tried.principal().userId()).contains("address=203.0.113.7").contains("before the stop"));
        assertThat(lines.dropped()).anySatisfy(line -> assertThat(line).contains("user=" + waiting.principal().userId())
            .contains("address=203.0.113.8"));
      }
    }
  }

  /**
   * The audit's inserts refused while the events flow on: the reads waiting are bounded, those
   * past the bound said at ERROR at once; what waited is written once the database takes it again.
   */
  @Test
  void past_the_bound_of_reads_waiting_each_new_read_is_said_at_error() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore(), java.time.Duration.ofSeconds(10), 3_000);
      TestNode.await(pool.query("ALTER TABLE health_data_push RENAME TO health_data_push_away").execute());
      try (Lines lines = new Lines()) {
        audit.offeredToAll(event(1, UUID.randomUUID()), 1_500, reads(doctors(1_500), false));
        audit.offeredToAll(event(2, UUID.randomUUID()), 1_500, reads(doctors(1_500), false));
        TestNode.await(audit.flush());
        audit.offeredToAll(event(3, UUID.randomUUID()), 1_500, reads(doctors(1_500), false));
        audit.offeredToAll(event(4, UUID.randomUUID()), 1_500, reads(doctors(1_500), false));
        audit.offeredToAll(event(5, UUID.randomUUID()), 1_500, reads(doctors(1_500), false));
        assertThat(lines.dropped()).as("the fifth event's reads: three thousand waited already").hasSize(1_500)
            .allSatisfy(line -> assertThat(line).contains("3000 reads wait for the database already"));
      }
      TestNode.await(pool.query("ALTER TABLE health_data_push_away RENAME TO health_data_push").execute());
      TestNode.await(audit.stop());
      assertThat(linesWritten(pool)).isEqualTo(6_000);
    }
  }

  /** A connection whose open transaction holds the push table: the audit's inserts wait for its end. */
  private static io.vertx.sqlclient.SqlConnection lockedTable(io.vertx.sqlclient.Pool pool) {
    var locker = TestNode.await(pool.getConnection());
    TestNode.await(locker.query("BEGIN").execute());
    TestNode.await(locker.query("LOCK TABLE health_data_push IN ACCESS EXCLUSIVE MODE").execute());
    return locker;
  }

  private static void insertWaitsForTheLock(io.vertx.sqlclient.Pool pool) {
    Eventually.until("the insert waits for the lock", () -> TestNode.await(pool.query("""
            SELECT count(*) AS n FROM pg_stat_activity
            WHERE wait_event_type = 'Lock' AND query LIKE 'INSERT INTO health_data_push %'""").execute())
        .iterator().next().getLong("n") == 1);
  }

  /** The audit's ERROR lines of dropped reads while open. */
  private static final class Lines implements AutoCloseable {
    private final ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(PushAudit.class);
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
        new ch.qos.logback.core.read.ListAppender<>();

    Lines() {
      appender.start();
      logger.addAppender(appender);
    }

    /** Read while the node's own audit logs from its loops (it threw ConcurrentModificationException once in CI). */
    List<String> dropped() {
      return fr.cantou.support.LogLines.messages(appender).stream()
          .filter(line -> line.startsWith("event=push_audit_dropped")).toList();
    }

    @Override
    public void close() {
      logger.detachAppender(appender);
    }
  }

  /**
   * Rows written again after a failure count towards the next insert's reads: a database away for
   * a while does not make one insert of everything pushed meanwhile (each would hold every
   * node's events while it runs); what is left waits for the next flush.
   */
  @Test
  void rows_written_again_count_towards_the_next_inserts_reads() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      var pool = node.node().platform().pool();
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      TestNode.await(pool.query("ALTER TABLE health_data_push RENAME TO health_data_push_away").execute());
      for (int event = 1; event <= 3; event++) {
        List<Viewer> loop = doctors(1_500);
        audit.offeredToAll(event(event, UUID.randomUUID()), loop.size(), reads(loop, false));
        TestNode.await(audit.flush());
      }
      TestNode.await(pool.query("ALTER TABLE health_data_push_away RENAME TO health_data_push").execute());

      TestNode.await(audit.flush());
      assertThat(linesWritten(pool)).as("the two events tried before, not the third").isEqualTo(3_000);
      TestNode.await(audit.flush());
      assertThat(linesWritten(pool)).isEqualTo(4_500);
    }
  }

  /** An item id that is no UUID (never written so by Cantou): the reads are said at ERROR, the loop is not thrown at. */
  @Test
  void an_event_whose_item_id_is_no_uuid_is_said_at_error_and_the_next_ones_are_audited() {
    try (TestNode node = TestNode.start()) {
      PushAudit audit = new PushAudit(node.node().platform(), new HealthDataAccessStore());
      Viewer her = doctor("203.0.113.9");
      EventRecord odd = new EventRecord(1, "teleconsultation.queued", new JsonObject().put("id", "not-a-uuid")
          .put("patient", new JsonObject().put("initials", "M. D.")), Audience.none());
      try (Lines lines = new Lines()) {
        audit.offeredToAll(odd, 1, reads(List.of(her), false));
        UUID item = UUID.randomUUID();
        audit.offeredToAll(event(2, item), 1, reads(List.of(her), false));
        TestNode.await(audit.stop());

        assertThat(lines.dropped()).anySatisfy(line -> assertThat(line).startsWith("event=push_audit_dropped item=not-a-uuid user="
            + her.principal().userId()).contains("address=203.0.113.9"));
        assertThat(readersByRow(node.node().platform().pool(), item)).containsExactly(List.of(her.principal().userId()));
      }
    }
  }

  private static long linesWritten(io.vertx.sqlclient.Pool pool) {
    return TestNode.await(pool.query("SELECT coalesce(sum(reader_count), 0) AS n FROM health_data_push").execute())
        .iterator().next().getLong("n");
  }

  private static List<List<UUID>> readersByRow(io.vertx.sqlclient.Pool pool, UUID item) {
    var rows = TestNode.await(pool.preparedQuery("SELECT readers FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
        .execute(Tuple.of(item)));
    List<List<UUID>> out = new ArrayList<>();
    rows.forEach(r -> out.add(List.of(r.getArrayOfUUIDs("readers"))));
    return out;
  }

  /** One loop's reads of an event: each viewer once, all of them held on another loop too or none. */
  private static LiveReads reads(List<Viewer> viewers, boolean heldElsewhereToo) {
    return reads(viewers, heldElsewhereToo ? Set.copyOf(viewers) : Set.of());
  }

  /** One loop's reads of an event: each viewer once, those named held on another loop too. */
  private static LiveReads reads(List<Viewer> viewers, Set<Viewer> heldElsewhereToo) {
    return new LiveReads() {
      @Override
      public int count() {
        return viewers.size();
      }

      @Override
      public Principal reader(int i) {
        return viewers.get(i).principal();
      }

      @Override
      public boolean heldElsewhereToo(int i) {
        return heldElsewhereToo.contains(viewers.get(i));
      }
    };
  }

  private static EventRecord event(long id, UUID item) {
    return new EventRecord(id, "teleconsultation.queued", new JsonObject().put("id", item.toString())
        .put("patient", new JsonObject().put("initials", "M. D.")), Audience.none());
  }

  /** Doctors of their own, at 250 addresses in turn. */
  private static List<Viewer> doctors(int count) {
    List<Viewer> doctors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      doctors.add(doctor("203.0.113." + (i % 250)));
    }
    return doctors;
  }

  private static Viewer doctor(String address) {
    return Viewer.of(new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr", null, Set.of("geriatrie"), address));
  }
}
