package fr.cantou.realtime;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.CareTerritory;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import fr.cantou.support.WsClient;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A database restored from a dump (pg_dump, the backup operations.md describes; or moved to another server that way)
 * starts counting transactions again from a small number, while its event rows keep the ids the old server gave them:
 * ids no transaction of this server has reached. Above the horizon, they were never read nor purged: they kept their
 * data (patient data included) past every retention, and would have been pushed live, weeks old, once the new server's
 * transaction ids reached them; the old watermark, far above every new id, sent every resume a snapshot. A node that
 * starts forgets them and brings the watermark down (found by the outside review of 6 December 2026).
 */
class RestoredDatabaseTest {
  @Test
  void events_from_before_a_restore_with_ids_this_server_never_gave_are_forgotten_when_a_node_starts() {
    DatabaseEndpoint database = TestDatabase.fresh();
    long latest;
    String token;
    try (TestNode before = TestNode.start(database, Map.of(), Clock.systemUTC())) {
      CareTerritory care = new CareTerritory(before);
      token = care.nurse;
      try (WsClient nurse = WsClient.hello(before.port(), care.nurse, null)) {
        latest = nurse.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId");
      }
      // What a restored dump holds: an event of the old server, a month old, its id from transactions far ahead of this
      // server's, and the old server's watermark.
      TestNode.await(before.node().platform().pool().query("""
          WITH ahead AS (SELECT (pg_current_xact_id()::text::bigint + 1000000) << 12 AS id)
          INSERT INTO event (id, kind, data, organisation_roles, user_ids, specialties, appointment_id, roles, except_user_ids,
                             device_ids, created_at)
          SELECT id, 'test.restored', '{"patient":"from the old server"}', '{}', '{}', '{}', NULL, '{nurse}', '{}', '{}',
                 now() - interval '30 days' FROM ahead""").execute());
      TestNode.await(before.node().platform().pool().query(
          "UPDATE event_retention SET purged_through = (SELECT max(id) FROM event) - 1").execute());
    }

    try (TestNode restarted = TestNode.start(database, Map.of(), Clock.systemUTC())) {
      assertThat(count(restarted, "SELECT count(*) AS n FROM event WHERE kind = 'test.restored'"))
          .as("the old server's event, forgotten").isZero();
      assertThat(welcomeResumed(restarted, token, latest)).as("a page from before the restore: a snapshot").isFalse();
      RawEvents.forNurses(restarted, "test.after", "'{}'::jsonb", 1);
      long since = count(restarted, "SELECT max(id) AS n FROM event WHERE kind = 'test.after'");
      RawEvents.forNurses(restarted, "test.after", "'{}'::jsonb", 1);
      assertThat(welcomeResumed(restarted, token, since))
          .as("a page resuming from an event of this server, not sent a snapshot for the old server's watermark").isTrue();
    }
  }

  /**
   * An asynchronous replica promoted after a failover lacks the last events the old primary sent (and gives their ids
   * to other events), a restored copy lacks all since its backup: ids a page saw may not exist there, and others below
   * them it never had. Here the second database is a copy of the first, which went on without it. A page of the first
   * resuming on the second with the last id it saw was replayed the events after that id: the one written on the copy
   * before it, never. The welcome names its stream; a hello from another stream gets a snapshot.
   */
  @Test
  void a_page_resuming_on_another_copy_of_the_database_gets_a_snapshot_not_a_replay_with_a_hole() throws Exception {
    DatabaseEndpoint first = TestDatabase.fresh();
    String token;
    try (TestNode node = TestNode.start(first, Map.of(), Clock.systemUTC())) {
      token = new CareTerritory(node).nurse;
    }
    DatabaseEndpoint copy = copyOf(first);
    try (TestNode onFirst = TestNode.start(first, Map.of(), Clock.systemUTC());
         TestNode onCopy = TestNode.start(copy, Map.of(), Clock.systemUTC())) {
      // Only on the copy, before what the page sees on the first: an id below the page's last.
      RawEvents.forNurses(onCopy, "test.only_on_the_copy", "'{}'::jsonb", 1);
      long since;
      String stream;
      try (WsClient page = WsClient.connect(onFirst.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", token));
        stream = page.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
        page.next(m -> "snapshot".equals(m.getString("type")));
        RawEvents.forNurses(onFirst, "test.seen", "'{}'::jsonb", 1);
        since = page.next(m -> "test.seen".equals(m.getString("kind"))).getLong("id");
      }
      assertThat(count(onCopy, "SELECT count(*) AS n FROM event WHERE kind = 'test.only_on_the_copy' AND id < " + since))
          .as("the copy's event, below the page's last id").isOne();
      RawEvents.forNurses(onCopy, "test.after", "'{}'::jsonb", 1);

      try (WsClient page = WsClient.connect(onCopy.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", token).put("since", since).put("stream", stream));
        JsonObject welcome = page.next(m -> "welcome".equals(m.getString("type")));
        assertThat(welcome.getBoolean("resumed")).as("resumed across streams").isFalse();
        assertThat(welcome.getString("stream")).as("the copy's stream").isNotEqualTo(stream);
        assertThat(page.next(m -> "snapshot".equals(m.getString("type"))).getLong("lastEventId"))
            .as("the copy's newest event").isGreaterThan(since);
      }
      long onTheCopy = count(onCopy, "SELECT max(id) AS n FROM event WHERE kind = 'test.only_on_the_copy'");
      String copyStream;
      try (WsClient page = WsClient.connect(onCopy.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", token));
        copyStream = page.next(m -> "welcome".equals(m.getString("type"))).getString("stream");
      }
      try (WsClient page = WsClient.connect(onCopy.port())) {
        page.send(new JsonObject().put("type", "hello").put("token", token).put("since", onTheCopy).put("stream", copyStream));
        assertThat(page.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed"))
            .as("a page of the copy resuming on it").isTrue();
        assertThat(page.next(m -> "event".equals(m.getString("type"))).getString("kind")).isEqualTo("test.after");
      }
    }
  }

  /** What a restore or a replica is, as far as the outbox goes: the same rows in another database. */
  static DatabaseEndpoint copyOf(DatabaseEndpoint database) throws java.sql.SQLException {
    String name = database.database() + "_copy";
    try (var connection = java.sql.DriverManager.getConnection(database.withDatabase("postgres").jdbcUrl(),
        database.user(), database.password()); var statement = connection.createStatement()) {
      statement.execute("CREATE DATABASE " + name + " TEMPLATE " + database.database());
    }
    return database.withDatabase(name);
  }

  private static boolean welcomeResumed(TestNode node, String token, long since) {
    try (WsClient page = WsClient.connect(node.port())) {
      page.send(new JsonObject().put("type", "hello").put("token", token).put("since", since));
      return page.next(m -> "welcome".equals(m.getString("type"))).getBoolean("resumed");
    }
  }

  private static long count(TestNode node, String sql) {
    return TestNode.await(node.node().platform().pool().query(sql).execute()).iterator().next().getLong("n");
  }
}
