package fr.cantou.realtime;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Api;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.Eventually;
import fr.cantou.support.LogLines;
import fr.cantou.support.MutableClock;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.VisioTerritory;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A node kept running through a failover reads another database under the same address: an asynchronous replica
 * promoted lacks the old primary's last events and gives their ids again. Until session 31 the node went on after the
 * last id it had dispatched from the old one: the new database's events below it were never delivered live (doctors'
 * queues, nurses' pages, agents' days), and visio's slots kept in memory stayed the old database's, until a restart
 * nobody makes at 3 a.m. Each node now checks, at its safety net's reads, that the stream is the one it follows and
 * that the newest id is not below the last it dispatched: when not, it follows the new database from its newest
 * event, closes its sockets (1011) so that the pages come back for a snapshot, and forgets its slots.
 */
class DatabaseReplacedUnderANodeTest {
  /** Monday 30 November 2026, 7:00 in Paris. */
  final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T06:00:00Z"));
  static final String NINE = "2026-12-01T09:00:00+01:00";

  final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  final Logger followed = (Logger) LoggerFactory.getLogger(FollowedDatabase.class);

  @BeforeEach
  void listen() {
    lines.start();
    followed.addAppender(lines);
  }

  @AfterEach
  void stopListening() {
    followed.detachAppender(lines);
  }

  @Test
  void nodes_whose_database_is_replaced_by_a_copy_that_went_another_way_close_their_sockets_and_follow_the_new_one()
      throws Exception {
    DatabaseEndpoint database = TestDatabase.fresh();
    VisioTerritory visio;
    String doctor;
    try (TestNode before = TestNode.start(database, Map.of(), clock)) {
      visio = new VisioTerritory(before);
      doctor = new CareTerritory(before, "soins").geriatrician;
    }
    // The replica: the same rows, then its own history (the agent on leave on Tuesday, there only), its ids below
    // those the nodes will have dispatched from the first one.
    DatabaseEndpoint replica = RestoredDatabaseTest.copyOf(database);
    try (TestNode onReplica = TestNode.start(replica, Map.of(), clock)) {
      Api.Response leave = onReplica.api.post("/api/visio/agents/" + visio.agentId + "/exceptions", visio.agent,
          new JsonObject().put("start", "2026-12-01T00:00:00+01:00").put("end", "2026-12-02T00:00:00+01:00")
              .put("reason", "Formation"));
      assertThat(leave.status()).as(leave.toString()).isEqualTo(201);
    }

    try (TestNode a = TestNode.start(database, Map.of(), clock);
         TestNode b = TestNode.start(database, Map.of(), clock);
         WsClient doctorOnA = WsClient.connect(a.port());
         WsClient agentOnB = WsClient.hello(b.port(), visio.agent, null)) {
      doctorOnA.send(new JsonObject().put("type", "hello").put("token", doctor));
      String stream = doctorOnA.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
      doctorOnA.next(m -> "snapshot".equals(m.getString("type")));
      agentOnB.next(m -> "snapshot".equals(m.getString("type")));
      assertThat(tuesday(b, visio)).as("node B keeps Tuesday, 9:00 free").contains(NINE);
      RawEvents.forRoles(a, null, "test.seen", "doctor", "agent");
      long seen = doctorOnA.nextEvent("test.seen").getLong("id");
      agentOnB.nextEvent("test.seen");
      long replicaNewest = newest(replica);
      assertThat(replicaNewest).as("the replica's newest event, below what the nodes dispatched").isLessThan(seen - 1);

      replace(database, replica);

      assertThat(doctorOnA.awaitClose()).as("node A's socket, sent back for a snapshot").isEqualTo(1011);
      assertThat(agentOnB.awaitClose()).as("node B's socket, sent back for a snapshot").isEqualTo(1011);
      String replicaStream;
      try (WsClient doctorBack = WsClient.connect(a.port()); WsClient agentBack = WsClient.hello(b.port(), visio.agent, null)) {
        doctorBack.send(new JsonObject().put("type", "hello").put("token", doctor).put("since", seen).put("stream", stream));
        JsonObject welcome = doctorBack.next(m -> "welcome".equals(m.getString("type")));
        assertThat(welcome.getBoolean("resumed")).isFalse();
        replicaStream = welcome.getString("stream");
        assertThat(replicaStream).as("the replica's stream").isNotEqualTo(stream);
        assertThat(doctorBack.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId"))
            .as("the replica's newest event").isGreaterThanOrEqualTo(replicaNewest).isLessThan(seen - 1);
        agentBack.next(m -> "snapshot".equals(m.getString("type")));

        // Written on the replica after the failover under an id the old primary gave: live on both nodes.
        RawEvents.forRoles(a, seen - 1, "test.after_the_failover", "doctor", "agent");
        assertThat(doctorBack.nextEvent("test.after_the_failover").getLong("id")).isEqualTo(seen - 1);
        agentBack.nextEvent("test.after_the_failover");
      }
      assertThat(tuesday(b, visio)).as("node B's slots, the replica's: none on the agent's day of leave").isEmpty();
      assertThat(warnings()).as("said once by each node, both streams named").hasSize(2).allSatisfy(line -> assertThat(line)
          .contains("stream_before=" + stream).contains("stream_now=" + replicaStream));
    }
  }

  /**
   * A copy of the database's files put back as a primary without a recovery (a disk snapshot) keeps its stream: its
   * newest id, below the last the node dispatched, tells. Staged here by its last event gone.
   */
  @Test
  void a_database_put_back_with_the_same_stream_is_told_by_its_newest_id_below_the_last_dispatched() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), clock)) {
      String doctor = new CareTerritory(node).geriatrician;
      try (WsClient page = WsClient.connect(node.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", doctor));
        String stream = page.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
        long before = page.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
        RawEvents.forRoles(node, null, "test.lost", "doctor");
        long lost = page.nextEvent("test.lost").getLong("id");

        TestNode.await(node.node().platform().pool().query("DELETE FROM event WHERE id > " + before).execute());

        assertThat(page.awaitClose()).isEqualTo(1011);
        try (WsClient back = WsClient.connect(node.port())) {
          back.send(new JsonObject().put("type", "hello").put("token", doctor).put("since", lost).put("stream", stream));
          JsonObject welcome = back.next(m -> "welcome".equals(m.getString("type")));
          assertThat(welcome.getString("stream")).isEqualTo(stream);
          assertThat(welcome.getBoolean("resumed")).as("an id ahead of the database's newest").isFalse();
          assertThat(back.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId")).isLessThan(lost);
          RawEvents.forRoles(node, lost, "test.again", "doctor");
          assertThat(back.nextEvent("test.again").getLong("id")).as("the lost event's id, given again").isEqualTo(lost);
        }
      }
      assertThat(warnings()).hasSize(1);
    }
  }

  private List<String> warnings() {
    return LogLines.of(lines).stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
        .filter(line -> line.startsWith("event=event_stream_changed")).toList();
  }

  private static List<String> tuesday(TestNode node, VisioTerritory visio) {
    Api.Response response = node.api.get("/api/visio/services/" + visio.serviceId + "/slots?from=2026-12-01&to=2026-12-01");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    return response.array().stream().map(slot -> ((JsonObject) slot).getString("start")).toList();
  }

  private static long newest(DatabaseEndpoint database) throws SQLException {
    try (var connection = DriverManager.getConnection(database.jdbcUrl(), database.user(), database.password());
         var statement = connection.createStatement(); var rows = statement.executeQuery("SELECT max(id) FROM event")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /**
   * A failover as a node sees it: the same address, another database behind it. The node's connections are cut, the
   * database renamed away and the replica given its name; the node's pool and LISTEN connection reconnect to it.
   */
  private static void replace(DatabaseEndpoint database, DatabaseEndpoint replica) throws Exception {
    String name = database.database();
    try (var connection = DriverManager.getConnection(database.withDatabase("postgres").jdbcUrl(), database.user(),
        database.password()); var statement = connection.createStatement()) {
      statement.execute("ALTER DATABASE " + name + " WITH ALLOW_CONNECTIONS false");
      String both = "datname IN ('" + name + "', '" + replica.database() + "')";
      Eventually.until("the node's connections are cut", () -> {
        try {
          statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE " + both);
          try (var left = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE " + both)) {
            left.next();
            return left.getLong(1) == 0;
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      statement.execute("ALTER DATABASE " + name + " RENAME TO " + name + "_before_the_failover");
      statement.execute("ALTER DATABASE " + replica.database() + " RENAME TO " + name);
    }
  }
}
