package fr.cantou.realtime;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static fr.cantou.support.CareTerritory.request;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Event-writing transactions commit in parallel (no lock orders them), and still every node
 * delivers every event exactly once, in increasing ids, even one committed late by a
 * transaction that began writing before the others.
 */
class OutboxOrderTest {

  @Test
  void an_event_committed_late_by_an_older_transaction_is_delivered_once_by_every_node_in_order() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    try (TestNode a = TestNode.start(database, Map.of(), Clock.systemUTC());
         TestNode b = TestNode.start(database, Map.of(), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(a);
      try (WsClient onA = WsClient.hello(a.port(), care.geriatrician, null);
           WsClient onB = WsClient.hello(b.port(), care.geriatrician, null);
           Connection slow = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
        onA.next(m -> "snapshot".equals(m.getString("type")));
        onB.next(m -> "snapshot".equals(m.getString("type")));

        // A writer that takes its time: its event is written first, and committed last.
        slow.setAutoCommit(false);
        long heldId;
        try (ResultSet row = slow.createStatement().executeQuery("""
            INSERT INTO event (kind, data, specialties) VALUES ('test.slow_writer', '{"n":0}', '{geriatrie}') RETURNING id""")) {
          row.next();
          heldId = row.getLong(1);
        }
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
          created.add(care.create(request("geriatrie", "normal")).getString("id"));
        }
        slow.commit();

        for (WsClient socket : List.of(onA, onB)) {
          List<JsonObject> events = eventsUntilTeleconsultation(socket, created.get(2));
          assertThat(events.stream().map(e -> e.getLong("id")).toList()).as("ids increase").isSorted();
          assertThat(events.get(0).getLong("id")).as("the slow writer's event comes first: its transaction is older")
              .isEqualTo(heldId);
          assertThat(events.stream().filter(e -> "teleconsultation.queued".equals(e.getString("kind")))
              .map(e -> e.getJsonObject("data").getString("id"))).containsExactlyElementsOf(created);
        }

        // Nothing is delivered twice: a later event arrives, and nothing else came before it.
        String later = care.create(request("geriatrie", "normal")).getString("id");
        for (WsClient socket : List.of(onA, onB)) {
          assertThat(eventsUntilTeleconsultation(socket, later)).hasSize(1);
        }
      }
    }
  }

  @Test
  void a_node_told_of_an_event_it_cannot_see_yet_reads_again_by_itself_until_it_can() throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    // No safety net within the test: only the wake-up and the node's own re-reads can deliver.
    try (TestNode node = TestNode.start(database, Map.of("CANTOU_REALTIME_SAFETY_NET_SECONDS", "3600"), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(node);
      try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null);
           Connection older = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
           Connection otherNode = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password())) {
        doctor.next(m -> "snapshot".equals(m.getString("type")));
        // A transaction of anything, still open: the horizon stays below what commits after it.
        older.setAutoCommit(false);
        older.createStatement().execute("SELECT pg_current_xact_id()");
        // Another node commits an event and wakes this one, once, naming it; it will not wake it again.
        long eventId;
        try (ResultSet row = otherNode.createStatement().executeQuery("""
            INSERT INTO event (kind, data, specialties) VALUES ('test.other_node', '{"n":1}', '{geriatrie}') RETURNING id""")) {
          row.next();
          eventId = row.getLong(1);
        }
        otherNode.createStatement().execute("SELECT pg_notify('" + EventOutbox.CHANNEL + "', 'another-node:" + eventId + "')");
        fr.cantou.support.Eventually.until("the node heard of the event",
            () -> node.node().listener().heardOf() >= eventId);
        assertThat(node.node().listener().lastDispatched()).as("held back by the older transaction").isLessThan(eventId);

        older.commit();
        JsonObject event = doctor.next(m -> "event".equals(m.getString("type")) && "test.other_node".equals(m.getString("kind")));
        assertThat(event.getLong("id")).isEqualTo(eventId);
      }
    }
  }

  @Test
  void events_past_the_retention_are_purged_and_a_resume_from_before_them_gets_a_snapshot() throws Exception {
    // Rows are stamped by the database's clock; the node's clock starts there and moves on.
    var clock = new fr.cantou.support.MutableClock(java.time.Instant.now());
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of("CANTOU_REALTIME_EVENT_RETENTION_DAYS", "7"), clock)) {
      CareTerritory care = new CareTerritory(node);
      long lastSeen;
      try (WsClient doctor = WsClient.hello(node.port(), care.geriatrician, null)) {
        care.create(request("geriatrie", "normal"));
        lastSeen = doctor.nextEvent("teleconsultation.queued").getLong("id");
      }
      care.create(request("geriatrie", "normal"));

      clock.advance(java.time.Duration.ofDays(8));
      TestNode.await(node.node().runJobs());
      DatabaseEndpoint db = node.database();
      try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
           ResultSet left = c.createStatement().executeQuery(
               "SELECT count(*) FROM event WHERE kind = 'teleconsultation.queued'")) {
        left.next();
        assertThat(left.getLong(1)).as("the events of 8 days ago are gone").isZero();
      }

      try (WsClient doctor = WsClient.connect(node.port())) {
        doctor.send(new JsonObject().put("type", "hello").put("token", care.geriatrician).put("since", lastSeen));
        assertThat(doctor.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed"))
            .as("what it missed was purged: a snapshot, not a partial replay").isFalse();
        assertThat(doctor.next(m -> "snapshot".equals(m.getString("type"))).getJsonArray("teleconsultations")).hasSize(2);
      }
    }
  }

  /** Every event received up to the one announcing this teleconsultation, that one included. */
  private static List<JsonObject> eventsUntilTeleconsultation(WsClient socket, String teleconsultationId) {
    List<JsonObject> events = new ArrayList<>();
    socket.next(m -> {
      if (!"event".equals(m.getString("type"))) {
        return false;
      }
      events.add(m);
      JsonObject data = m.getJsonObject("data");
      return data != null && teleconsultationId.equals(data.getString("id"));
    });
    return events;
  }
}
