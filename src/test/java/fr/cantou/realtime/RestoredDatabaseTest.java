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
