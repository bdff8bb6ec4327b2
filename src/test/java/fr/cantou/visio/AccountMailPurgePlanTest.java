package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseEndpoint;
import fr.cantou.support.StatementPlans;
import fr.cantou.support.TestDatabase;
import org.junit.jupiter.api.Test;

/**
 * The account mails' retention runs every 5 s on every node: on a queue of 100,000 of them (30 days of changes), whether
 * planned with its values or on the generic plan, it finds the ended ones through their index (V118) and deletes them by
 * their key, never reading the queue whole.
 */
class AccountMailPurgePlanTest {

  @Test
  void the_retention_reads_no_table_whole_on_100000_mails_with_its_values_or_on_the_generic_plan() throws Exception {
    DatabaseEndpoint db = TestDatabase.fresh();
    StatementPlans.filled(db, StatementPlans.HUNDRED_DOCTORS, """
        INSERT INTO visio_mail (user_id, kind, channel, changed_at, due_at, sent_at, attempts)
        SELECT u.id, 'password_changed', 'account', c, c, c, 1
        FROM generate_series(1, 100000) i
          CROSS JOIN LATERAL (SELECT timestamptz '2026-12-07 08:00Z' - i * interval '25.92 seconds' AS c) changed
          JOIN (SELECT id, row_number() OVER () AS n FROM app_user) u ON u.n = 1 + i % 100""");

    // 30 days before 7 December, 10 h (Paris): about 140 mails sent before, the rest after.
    StatementPlans.readThrough("visio_mail_account_ended", db, MailStore.FORGET_ACCOUNT_MAILS, "timestamptz, int",
        "'2026-11-07T09:00:00Z', 1000");
  }
}
