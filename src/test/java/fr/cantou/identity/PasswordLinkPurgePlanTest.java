package fr.cantou.identity;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.StatementPlans;
import fr.cantou.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The links' retention runs every 5 s on every node: on 100,000 links kept (30 days of them), whether planned with its
 * values or on the generic plan, it finds the ended links through their index (V117) and deletes them, their tokens and
 * their mails by index, reading no table whole.
 */
class PasswordLinkPurgePlanTest {

  @Test
  void the_retention_reads_no_table_whole_on_100000_links_with_its_values_or_on_the_generic_plan() throws Exception {
    DatabaseEndpoint db = TestDatabase.fresh();
    StatementPlans.filled(db, StatementPlans.HUNDRED_DOCTORS, """
        INSERT INTO password_link (user_id, created_at, expires_at, spent_at, voided_at)
        SELECT u.id, c, c + interval '1 hour', CASE WHEN i % 10 < 6 THEN c + interval '10 minutes' END,
               CASE WHEN i % 10 IN (6, 7) THEN c + interval '20 minutes' END
        FROM generate_series(1, 100000) i
          CROSS JOIN LATERAL (SELECT timestamptz '2026-12-07 07:00Z' - i * interval '25.92 seconds' AS c) asked
          JOIN (SELECT id, row_number() OVER () AS n FROM app_user) u ON u.n = 1 + i % 100""", """
        INSERT INTO password_link_token (token_hash, link_id) SELECT sha256(id::text::bytea), id FROM password_link""", """
        INSERT INTO visio_mail (user_id, kind, channel, changed_at, due_at, sent_at, attempts, password_link_id)
        SELECT user_id, 'password_link', 'account', created_at, created_at, created_at, 1, id FROM password_link""");

    // 30 days before 7 December, 10 h (Paris): about 200 links ended before, the rest after.
    StatementPlans.readThrough("password_link_ended", db, PasswordLinkStore.PURGE, "timestamptz, int",
        "'2026-11-07T09:00:00Z', 1000");
  }
}
