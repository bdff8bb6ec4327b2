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

  /** A signed-in user read these items ({@code action}: read, list, calendar…); nothing when none. */
  public static Future<Void> reads(SqlClient db, Principal reader, String action, String itemKind, List<UUID> ids,
                                   Instant at) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address)
            SELECT $1, $2, 'read', $3, $4, item::text, $5 FROM unnest($6::uuid[]) AS item""")
        .execute(Tuple.of(utc(at), reader.userId(), action, itemKind, reader.address(), ids.toArray(UUID[]::new)))
        .mapEmpty();
  }

  /** An admin read or exported the trail; {@code filters}: what she asked, as a query string. */
  public static Future<Void> trailRead(SqlClient db, Principal admin, String action, String filters, Instant at) {
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, address, detail) VALUES ($1, $2, 'audit', $3, $4, $5)""")
        .execute(Tuple.of(utc(at), admin.userId(), action, admin.address(), filters.isEmpty() ? null : filters))
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
  static Future<Void> signInAttempt(SqlClient db, String email, String action, String address, String detail, Instant at) {
    return db.preparedQuery("""
            INSERT INTO access_audit (at, user_id, category, action, item_kind, item_id, address, detail)
            VALUES ($1, NULL, 'sign_in', $3, 'user', (SELECT id::text FROM app_user WHERE email = $2), $4, $5)""")
        .execute(Tuple.of(utc(at), email, action, address, detail))
        .mapEmpty();
  }

  private static java.time.OffsetDateTime utc(Instant at) {
    return at.atOffset(ZoneOffset.UTC);
  }
}
