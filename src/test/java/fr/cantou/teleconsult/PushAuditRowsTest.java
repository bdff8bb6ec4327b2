package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.identity.Role;
import fr.cantou.realtime.Audience;
import fr.cantou.realtime.EventRecord;
import fr.cantou.realtime.PushObserver;
import fr.cantou.realtime.Viewer;
import fr.cantou.support.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
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

  private static EventRecord event(long id, UUID item) {
    return new EventRecord(id, "teleconsultation.queued", new JsonObject().put("id", item.toString())
        .put("patient", new JsonObject().put("initials", "M. D.")), Audience.none());
  }

  private static Viewer doctor(String address) {
    return Viewer.of(new Principal(UUID.randomUUID(), Role.DOCTOR, "Dr", null, Set.of("geriatrie"), address));
  }
}
