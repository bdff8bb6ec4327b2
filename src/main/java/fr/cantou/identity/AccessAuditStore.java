package fr.cantou.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The accesses of the audit trail ({@code access_audit}, V40): staff reading appointments,
 * sign-ins, admins reading the trail. One insert per request at most: a request that reads many
 * items writes their rows in one statement. {@code audit.AuditStore} reads it with the others.
 */
public final class AccessAuditStore {
  private AccessAuditStore() {}

  /**
   * A signed-in user read these items ({@code action}: read, list, calendar…); nothing when none.
   * An item she read the same way from the same address within {@link #REPEATS_WRITTEN_EVERY}
   * is not written again: an agent reopening her day of 12 all morning, or a loop, must not
   * write 12 lines a call (the trail says who saw what, and when first).
   */
  public static Future<Void> reads(SqlClient db, Principal reader, String action, String itemKind, List<UUID> ids,
                                   Instant at) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address)
            SELECT $1, $2, 'read', $3, $4, item::text, $5 FROM unnest($6::uuid[]) AS item
            WHERE NOT EXISTS (SELECT 1 FROM access_audit a WHERE a.item_id = item::text AND a.at > $7
                                AND a.user_id = $2 AND a.action = $3 AND a.address IS NOT DISTINCT FROM $5)""")
        .execute(Tuple.from(new Object[] {utc(at), reader.userId(), action, itemKind, reader.address(),
            ids.toArray(UUID[]::new), utc(at.minus(REPEATS_WRITTEN_EVERY))}))
        .mapEmpty();
  }

  /** An admin read or exported the trail; {@code filters}: what she asked, as a query string. */
  public static Future<Void> trailRead(SqlClient db, Principal admin, String action, String filters, Instant at) {
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, address, detail) VALUES ($1, $2, 'audit', $3, $4, $5)""")
        .execute(Tuple.of(utc(at), admin.userId(), action, admin.address(), filters.isEmpty() ? null : filters))
        .mapEmpty();
  }

  /**
   * Someone signed in who is not an admin asked for the trail (refused): a line, at most one per
   * person and address every {@link #REPEATS_WRITTEN_EVERY}, so that probing shows without
   * letting a loop fill the trail.
   */
  public static Future<Void> trailDenied(SqlClient db, Principal reader, String filters, Instant at) {
    return onceInAWhile(db, at, reader.userId(), "audit", "audit.denied", null, null, reader.address(),
        filters.isEmpty() ? null : filters);
  }

  /** A line repeated by the same person from the same address is written again only after this long. */
  static final java.time.Duration REPEATS_WRITTEN_EVERY = java.time.Duration.ofMinutes(10);

  /**
   * A session refreshed: a line, but at most one per person and address every
   * {@link #REPEATS_WRITTEN_EVERY} (pages refresh every 15 minutes, so each of theirs is written;
   * a loop refreshing without pause writes one line in ten minutes, not thousands).
   */
  static Future<Void> sessionRefreshed(SqlClient db, UUID userId, String address, Instant at) {
    return onceInAWhile(db, at, userId, "sign_in", "session.refreshed", "user", userId.toString(), address, null);
  }

  /**
   * The line, unless the same person wrote it from the same address within
   * {@link #REPEATS_WRITTEN_EVERY}. Decided on one row of {@code rate_limit} per person, action and
   * address, taken by an upsert: two requests at the same instant (two pages refreshing at once)
   * queue on that row's lock, and the second, seeing the first's window, writes nothing. A check of
   * the trail itself could not do it: both would read it before either wrote.
   */
  private static Future<Void> onceInAWhile(SqlClient db, Instant at, UUID userId, String category, String action,
                                           String itemKind, String itemId, String address, String detail) {
    return db.preparedQuery("""
            WITH due AS (
              INSERT INTO rate_limit AS r (key, window_start, count) VALUES ($10, $1, 1)
              ON CONFLICT (key) DO UPDATE SET window_start = $1, count = 1 WHERE r.window_start <= $9
              RETURNING key)
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address, detail)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM due""")
        .execute(Tuple.from(new Object[] {utc(at), userId, category, action, itemKind, itemId, address, detail,
            utc(at.minus(REPEATS_WRITTEN_EVERY)), "audit:" + action + ":" + userId + ":" + address}))
        .mapEmpty();
  }

  /** A session of this user opened, refreshed or closed ({@code sign_in.succeeded}, {@code session.refreshed}…). */
  static Future<Void> signIn(SqlClient db, UUID userId, String action, String address, Instant at) {
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address)
            VALUES ($1, $2, 'sign_in', $3, 'user', $5, $4)""")
        .execute(Tuple.of(utc(at), userId, action, address, userId.toString()))
        .mapEmpty();
  }

  /**
   * A sign-in that proved nobody (a failure, a block), on the account whose e-mail was typed if
   * there is one (the item; the actor stays unknown). The account is found by this statement
   * itself, the same one whether or not an account matches (no timing tells them apart), and the
   * typed e-mail is never written: it may be a mistyped password, or the address of someone
   * who has no account, and the trail must not become a list of who tried to sign in as whom.
   */
  static Future<Void> signInAttempt(SqlClient db, String email, String action, String address, String detail, Instant at,
                                    int linesPerMinute) {
    // Bounded across every address (a botnet, an IPv6 /48 each of whose addresses the throttle
    // counts apart): past linesPerMinute in a minute in the cluster (one row of rate_limit, whose
    // upsert is atomic), an attempt on an e-mail that is no account's is not written, and one
    // line says so. An attempt on an account is always written, so that junk cannot hide a
    // targeted guess; those are bounded by the throttle per account and address and by the
    // hashing ceiling. Every attempt takes the same statement, account or not.
    return db.preparedQuery("""
            WITH counted AS (
              INSERT INTO rate_limit AS r (key, window_start, count) VALUES ('audit:sign_in_attempts', $1, 1)
              ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN r.window_start <= $6 THEN 1 ELSE r.count + 1 END,
                window_start = CASE WHEN r.window_start <= $6 THEN $1 ELSE r.window_start END
              RETURNING count),
            account AS (SELECT (SELECT id::text FROM app_user WHERE email = $2) AS id)
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address, detail)
            SELECT $1, NULL::uuid, 'sign_in', $3, 'user', a.id, $4, $5 FROM counted c, account a
            WHERE a.id IS NOT NULL OR c.count <= $7
            UNION ALL
            SELECT $1, NULL::uuid, 'sign_in', 'sign_in.unwritten', 'user', NULL, $4,
                   'over ' || $7 || ' failed or blocked sign-ins within a minute: the others of that minute on e-mails '
                   || 'that are no account''s are not written'
            FROM counted c WHERE c.count = $7 + 1""")
        .execute(Tuple.from(new Object[] {utc(at), email, action, address, detail, utc(at.minus(java.time.Duration.ofMinutes(1))),
            linesPerMinute}))
        .mapEmpty();
  }


  private static java.time.OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
