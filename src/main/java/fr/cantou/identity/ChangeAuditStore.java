package fr.cantou.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;

/**
 * The changes of the audit trail: who changed which item, when and from where. Written in the
 * transaction of the change itself (one insert), so a change is never without its row nor a row
 * without its change. Reads of health data are in {@code health_data_access}, RGPD requests in
 * {@code personal_data_audit}, accesses in {@code access_audit}; {@code audit.AuditStore} reads the four alike.
 */
public final class ChangeAuditStore {
  private ChangeAuditStore() {}

  /**
   * A change by a signed-in user, from the address her request came from. {@code action}:
   * {@code <item kind>.<what happened>} ({@code teleconsultation.completed}, {@code user.deactivated}…).
   * {@code by} null (start-up, the demo territory): no row.
   */
  public static Future<Void> record(SqlClient tx, Principal by, String action, String itemKind, Object itemId, Instant at) {
    // Nobody asked (start-up, the demo territory): nothing to record.
    return by == null ? Future.succeededFuture() : insert(tx, by, null, action, itemKind, itemId, at);
  }

  /** A change by whoever asks about an appointment: a signed-in user, else the citizen with her manage link. */
  public static Future<Void> recordCaller(SqlClient tx, Principal by, String citizenAddress, String action,
                                          String itemKind, Object itemId, Instant at) {
    return insert(tx, by, citizenAddress, action, itemKind, itemId, at);
  }

  /**
   * A citizen's request that matched nothing (a typo, or junk from anywhere), written while fewer than {@code perMinute}
   * such lines were written in the cluster's minute (the row {@code counter} of rate_limit, whose upsert is atomic);
   * the first past it writes one line, {@code unwritten}, saying the rest of that minute is not written. A botnet, or an
   * IPv6 /48 of 65,536 /64s, is limited per address only, and would otherwise fill the trail.
   */
  public static Future<Void> recordUnmatched(SqlClient db, String counter, String citizenAddress, String action, String unwritten,
                                             String itemKind, String itemId, Instant at, int perMinute) {
    return db.preparedQuery("""
            WITH counted AS (
              INSERT INTO rate_limit AS r (key, window_start, count) VALUES ($7, $1, 1)
              ON CONFLICT (key) DO UPDATE SET
                count = CASE WHEN r.window_start <= $8 THEN 1 ELSE r.count + 1 END,
                window_start = CASE WHEN r.window_start <= $8 THEN $1 ELSE r.window_start END
              RETURNING count)
            INSERT INTO change_audit (at, user_id, action, item_kind, item_id, address)
            SELECT $1, NULL::uuid, $2, $4, $5, $6 FROM counted WHERE count <= $9
            UNION ALL
            SELECT $1, NULL::uuid, $3, $4, '-', $6 FROM counted WHERE count = $9 + 1""")
        .execute(Tuple.from(new Object[] {at.atOffset(ZoneOffset.UTC), action, unwritten, itemKind, itemId, citizenAddress,
            counter,
            at.minus(java.time.Duration.ofMinutes(1)).atOffset(ZoneOffset.UTC), perMinute}))
        .mapEmpty();
  }

  private static Future<Void> insert(SqlClient tx, Principal by, String citizenAddress, String action, String itemKind,
                                     Object itemId, Instant at) {
    return tx.preparedQuery("""
            INSERT INTO change_audit (at, user_id, action, item_kind, item_id, address) VALUES ($1, $2, $3, $4, $5, $6)""")
        .execute(Tuple.of(at.atOffset(ZoneOffset.UTC), by == null ? null : by.userId(), action, itemKind,
            String.valueOf(itemId), by == null ? citizenAddress : by.address()))
        .mapEmpty();
  }
}
