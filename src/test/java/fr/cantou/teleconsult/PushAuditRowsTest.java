package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.Viewer;
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
      List<UUID> doctors = new ArrayList<>();
      Viewer first = null;
      for (int i = 0; i < 2_500; i++) {
        Viewer doctor = doctor("203.0.113." + (i % 250));
        first = first == null ? doctor : first;
        doctors.add(doctor.principal().userId());
        audit.pushed(doctor, queued, PushObserver.Delivery.LIVE);
        if (i % 1_000 == 7) {
          audit.pushed(doctor, another, PushObserver.Delivery.LIVE);
        }
      }
      // The same person's other tab on that loop: the same read, no line.
      audit.pushed(first, queued, PushObserver.Delivery.LIVE_TO_SAME_READER);
      TestNode.await(audit.stop());

      var rows = TestNode.await(node.node().platform().pool()
          .preparedQuery("SELECT cardinality(readers) AS n FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
          .execute(Tuple.of(request)));
      List<Integer> sizes = new ArrayList<>();
      rows.forEach(r -> sizes.add(r.getInteger("n")));
      assertThat(sizes).as("readers per row").allSatisfy(n -> assertThat(n).isBetween(1, 1_000));
      assertThat(sizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2_500);
      assertThat(sizes).as("a row per batch of the event, full rows apart").hasSizeLessThanOrEqualTo(4);

      var lines = TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), request));
      assertThat(lines).extracting(HealthDataAccessStore.Access::action).containsOnly("push");
      assertThat(lines).extracting(HealthDataAccessStore.Access::userId).containsExactlyElementsOf(doctors);
      assertThat(TestNode.await(new HealthDataAccessStore().accesses(node.node().platform().pool(), other)))
          .extracting(HealthDataAccessStore.Access::userId)
          .containsExactly(doctors.get(7), doctors.get(1_007), doctors.get(2_007));
      assertThat(TestNode.await(new HealthDataAccessStore().auditCount(node.node().platform().pool(), request)))
          .isEqualTo(2_500);
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
      audit.pushed(u1, event(1, first), PushObserver.Delivery.LIVE);
      audit.pushed(u2, event(2, second), PushObserver.Delivery.LIVE);
      audit.pushed(u3, event(1, first), PushObserver.Delivery.LIVE);
      TestNode.await(audit.flush());
      TestNode.await(pool.query("ALTER TABLE health_data_push_away RENAME TO health_data_push").execute());
      // The second item's next event, while the first batch waits to be written again.
      audit.pushed(u4, event(3, second), PushObserver.Delivery.LIVE);
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
      audit.pushed(beside, event(1, sameBatch), PushObserver.Delivery.LIVE);
      audit.pushed(doctor("198.51.100.66"), event(2, refusedItem), PushObserver.Delivery.LIVE);
      TestNode.await(audit.flush());
      Viewer next = doctor("203.0.113.5");
      audit.pushed(next, event(3, later), PushObserver.Delivery.LIVE);
      TestNode.await(audit.flush());

      assertThat(readersByRow(pool, sameBatch)).as("the other row of the refused batch")
          .containsExactly(List.of(beside.principal().userId()));
      assertThat(readersByRow(pool, later)).containsExactly(List.of(next.principal().userId()));
      assertThat(readersByRow(pool, refusedItem)).isEmpty();
    }
  }

  private static List<List<UUID>> readersByRow(io.vertx.sqlclient.Pool pool, UUID item) {
    var rows = TestNode.await(pool.preparedQuery("SELECT readers FROM health_data_push WHERE teleconsultation_id = $1 ORDER BY id")
        .execute(Tuple.of(item)));
    List<List<UUID>> out = new ArrayList<>();
    rows.forEach(r -> out.add(List.of(r.getArrayOfUUIDs("readers"))));
    return out;
  }

  private static EventRecord event(long id, UUID item) {
    return new EventRecord(id, "teleconsultation.queued", new JsonObject().put("id", item.toString())
        .put("patient", new JsonObject().put("initials", "M. D.")), Audience.none());
  }

  private static Viewer doctor(String address) {
    return Viewer.of(new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr", null, Set.of("geriatrie"), address));
  }
}
