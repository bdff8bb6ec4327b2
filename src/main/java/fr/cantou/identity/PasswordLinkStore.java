package fr.cantou.identity;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * SQL of the links that let an account's owner choose a new password (V109). A link opens only by a token issued for
 * it (each hash kept, V114: its mail handed over, or handed over again), while it is neither spent nor void, it has not expired, and its account is active: every
 * statement that reads or spends one says all of it.
 */
final class PasswordLinkStore {

  /** The active account of this e-mail, its row locked until the transaction ends (links of one account asked in turn). */
  Future<Optional<UUID>> lockActiveAccount(SqlClient tx, String email) {
    return tx.preparedQuery("SELECT id FROM app_user WHERE email = $1 AND active FOR NO KEY UPDATE")
        .execute(Tuple.of(email))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }

  /** The same, by its id. */
  Future<Optional<UUID>> lockActiveAccount(SqlClient tx, UUID userId) {
    return tx.preparedQuery("SELECT id FROM app_user WHERE id = $1 AND active FOR NO KEY UPDATE")
        .execute(Tuple.of(userId))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("id")));
  }

  /** How many links of these purposes were made for this account since then (spent, void or expired ones too). */
  Future<Integer> askedSince(SqlClient tx, UUID userId, List<String> purposes, Instant since) {
    return tx.preparedQuery("SELECT count(*) AS n FROM password_link WHERE user_id = $1 AND created_at > $2 AND purpose = ANY($3)")
        .execute(Tuple.of(userId, since.atOffset(ZoneOffset.UTC), purposes.toArray(String[]::new)))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  /**
   * A new link of this account, to be sent: its token made when its mail goes ({@link #issue}). {@code purpose}: 'reset'
   * (she asked) or 'admin' (an admin sent it).
   */
  Future<UUID> insert(SqlClient tx, UUID userId, String purpose, Instant at, Instant expiresAt) {
    return tx.preparedQuery("""
            INSERT INTO password_link (user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id""")
        .execute(Tuple.of(userId, purpose, at.atOffset(ZoneOffset.UTC), expiresAt.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getUUID("id"));
  }

  /** Every link of these purposes of this account still unused void from now on. */
  Future<Void> voidOpen(SqlClient tx, UUID userId, List<String> purposes, Instant at) {
    return tx.preparedQuery("""
            UPDATE password_link SET voided_at = $2
            WHERE user_id = $1 AND spent_at IS NULL AND voided_at IS NULL AND expires_at > $2 AND purpose = ANY($3)""")
        .execute(Tuple.of(userId, at.atOffset(ZoneOffset.UTC), purposes.toArray(String[]::new)))
        .mapEmpty();
  }

  /**
   * The token of a link whose mail is being handed over: its hash kept beside those of earlier attempts (a mail taken
   * whole whose answer was lost did reach her: its link opens too), while the link may still be used; the link's row
   * shared-locked meanwhile, so a confirm spending it waits. When it expires and its purpose; empty when it may not
   * (spent, void, expired, or its account deactivated since): nothing to send.
   */
  Future<Optional<Issuing>> issue(SqlClient db, UUID linkId, byte[] tokenHash, Instant now) {
    return db.preparedQuery("""
            WITH link AS (
              SELECT l.id, l.expires_at, l.purpose FROM password_link l
              WHERE l.id = $1 AND l.spent_at IS NULL AND l.voided_at IS NULL AND l.expires_at > $3
                AND EXISTS (SELECT 1 FROM app_user u WHERE u.id = l.user_id AND u.active)
              FOR SHARE OF l),
            kept AS (INSERT INTO password_link_token (token_hash, link_id) SELECT $2, id FROM link)
            SELECT expires_at, purpose FROM link""")
        .execute(Tuple.of(linkId, tokenHash, now.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.first(rows).map(r -> new Issuing(r.getOffsetDateTime("expires_at").toInstant(),
            r.getString("purpose"))));
  }

  /** A link whose token is being made: until when it serves, and who it comes from. */
  record Issuing(Instant expiresAt, String purpose) {}

  /**
   * The link a token opens now, without spending it (the page asks before she types; the confirm checks first): its
   * account, its purpose and until when it serves.
   */
  Future<Optional<Open>> opens(SqlClient db, byte[] tokenHash, Instant now) {
    return db.preparedQuery("""
            SELECT l.user_id, l.purpose, l.expires_at FROM password_link_token t JOIN password_link l ON l.id = t.link_id
              JOIN app_user u ON u.id = l.user_id AND u.active
            WHERE t.token_hash = $1 AND l.spent_at IS NULL AND l.voided_at IS NULL AND l.expires_at > $2""")
        .execute(Tuple.of(tokenHash, now.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.first(rows).map(r -> new Open(r.getUUID("user_id"), r.getString("purpose"),
            r.getOffsetDateTime("expires_at").toInstant())));
  }

  /** A link that opens: whose, what for, until when. */
  record Open(UUID userId, String purpose, Instant expiresAt) {}

  /**
   * Spends the link of this token, once: of two confirms at once, the second waits for the first's row lock and then
   * finds it spent (empty), as it does one spent, void, expired or unknown. The account it opened.
   */
  Future<Optional<UUID>> spend(SqlClient tx, byte[] tokenHash, Instant now) {
    return tx.preparedQuery("""
            UPDATE password_link l SET spent_at = $2 FROM password_link_token t
            WHERE t.token_hash = $1 AND l.id = t.link_id AND l.spent_at IS NULL AND l.voided_at IS NULL
              AND l.expires_at > $2
            RETURNING l.user_id""")
        .execute(Tuple.of(tokenHash, now.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.first(rows).map(r -> r.getUUID("user_id")));
  }

  /** {@link #purgeBatch}'s statement ({@code PasswordLinkPurgePlanTest} reads its plans). */
  static final String PURGE = """
      WITH ended AS (
        SELECT ARRAY(SELECT id FROM password_link WHERE least(spent_at, voided_at, expires_at) < $1
                     ORDER BY least(spent_at, voided_at, expires_at) LIMIT $2 FOR UPDATE SKIP LOCKED) AS ids),
      tokens AS (DELETE FROM password_link_token t USING ended WHERE t.link_id = ANY(ended.ids)),
      mails AS (DELETE FROM visio_mail m USING ended WHERE m.password_link_id = ANY(ended.ids)),
      gone AS (DELETE FROM password_link l USING ended WHERE l.id = ANY(ended.ids) RETURNING 1)
      SELECT count(*) AS n FROM gone""";

  /**
   * Deletes up to {@code batch} links that ended (spent, void or expired) before {@code before}, with their tokens'
   * hashes and their mails' rows (the queue's row names its link); rows another node is deleting are skipped. How many
   * links went.
   *
   * <p>Every step goes through an index, whichever plan PostgreSQL settles on: a link's end is written as its index's
   * expression (V117; any other spelling reads the whole table), taken in its order (so that the generic plan of the
   * prepared statement takes the index too: without the order it read the table), and the links found are one array,
   * whose members each delete finds by index (joined to a set of estimated size, the generic plan read the tokens, the
   * links and the queue's link mails whole whenever a link had ended: 237 ms on 100,000 links, against 45, V117).
   */
  Future<Integer> purgeBatch(SqlClient db, Instant before, int batch) {
    return db.preparedQuery(PURGE)
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), batch))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }
}
