package fr.cantou.teleconsult;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.Eventually;
import fr.cantou.support.TestDatabase;
import fr.cantou.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push audit's inserts never merge the readers' index themselves (V75): an insert that did
 * held the outbox's horizon, and every event committed meanwhile, for up to hundreds of
 * milliseconds. The audit merges it apart, every second, in a statement that holds no
 * transaction id.
 */
class ReadersIndexMergeTest {
  /** 4 MB, PostgreSQL's default gin_pending_list_limit, in 8 KB pages: an insert past it merged the list. */
  private static final long DEFAULT_LIMIT_PAGES = 512;

  @Test
  void the_inserts_leave_more_than_four_megabytes_pending_and_the_merge_takes_them_all() {
    DatabaseEndpoint database = TestDatabase.fresh();
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    try {
      HealthDataAccessStore store = new HealthDataAccessStore();
      TestNode.await(pool.query("CREATE EXTENSION IF NOT EXISTS pageinspect").execute());
      int rows = 0;
      while (pendingPages(pool) <= DEFAULT_LIMIT_PAGES + 100 && rows < 600) {
        TestNode.await(store.auditPushes(pool, rowsOfReaders(20)));
        rows += 20;
      }
      long pending = pendingPages(pool);
      assertThat(pending).as("pages left pending after %d rows of 1,000 readers", rows).isGreaterThan(DEFAULT_LIMIT_PAGES);

      assertThat(TestNode.await(store.mergeReadersIndex(pool))).isEqualTo(pending);
      assertThat(pendingPages(pool)).isZero();
    } finally {
      TestNode.await(pool.close());
      TestNode.await(vertx.close());
    }
  }

  @Test
  void a_running_node_merges_what_the_inserts_left_pending() {
    try (TestNode node = TestNode.start(TestDatabase.fresh(), Map.of(), Clock.systemUTC())) {
      Pool pool = node.node().platform().pool();
      TestNode.await(pool.query("CREATE EXTENSION IF NOT EXISTS pageinspect").execute());
      TestNode.await(new HealthDataAccessStore().auditPushes(pool, rowsOfReaders(5)));
      Eventually.until("the node merged the readers' pending list", () -> pendingPages(pool) == 0);
      assertThat(TestNode.await(pool.query("SELECT count(*) AS n FROM health_data_push WHERE readers @> ARRAY[readers[1]]")
          .execute()).iterator().next().getLong("n")).as("every row found by its first reader").isEqualTo(5);
    }
  }

  /** Only the index's owner may merge it: another role is refused with 42501, which the audit says once at WARN. */
  @Test
  void a_role_that_does_not_own_the_index_is_refused_the_merge_as_not_allowed() {
    DatabaseEndpoint database = TestDatabase.fresh();
    Vertx vertx = Vertx.vertx();
    Pool owner = PgBuilder.pool().connectingTo(database.connectOptions()).using(vertx).build();
    String role = "cantou_not_owner_" + database.database();
    try {
      TestNode.await(owner.query("CREATE ROLE " + role + " LOGIN PASSWORD 'not-the-owner'").execute());
      Pool other = PgBuilder.pool().connectingTo(database.connectOptions().setUser(role).setPassword("not-the-owner"))
          .using(vertx).build();
      Throwable refused = TestNode.await(new HealthDataAccessStore().mergeReadersIndex(other)
          .map(pages -> (Throwable) null).recover(io.vertx.core.Future::succeededFuture));
      assertThat(refused).as("the merge by a role that does not own the index").isNotNull();
      assertThat(fr.cantou.platform.db.DatabaseErrors.notAllowed(refused)).as(refused.getMessage()).isTrue();
      TestNode.await(other.close());
    } finally {
      TestNode.await(owner.query("DROP ROLE IF EXISTS " + role).execute().recover(e -> io.vertx.core.Future.succeededFuture()));
      TestNode.await(owner.close());
      TestNode.await(vertx.close());
    }
  }

  private static List<PushAudit.Row> rowsOfReaders(int count) {
    List<PushAudit.Row> rows = new ArrayList<>();
    Instant pushedAt = Instant.now();
    for (int r = 0; r < count; r++) {
      List<UUID> readers = new ArrayList<>();
      List<String> addresses = new ArrayList<>();
      for (int i = 0; i < PushAudit.READERS_PER_ROW; i++) {
        readers.add(UUID.randomUUID());
        addresses.add("203.0.113." + (i % 250));
      }
      // Pushed now: a fixed day would fall to the audit's one-year retention job (every 5 s) a year after it.
      rows.add(new PushAudit.Row(UUID.randomUUID(), pushedAt, readers, addresses));
    }
    return rows;
  }

  private static long pendingPages(SqlClient db) {
    return TestNode.await(db.query("SELECT n_pending_pages AS n FROM gin_metapage_info(get_raw_page('health_data_push_readers', 0))")
        .execute()).iterator().next().getLong("n");
  }
}
