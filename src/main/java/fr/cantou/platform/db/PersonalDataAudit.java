package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/** The exports and erasures of a person's data (RGPD), by herself or by an admin: who, why, from where, when. */
public final class PersonalDataAudit {
  private PersonalDataAudit() {}

  public record Entry(Instant at, String action, String actor, String byName, String reason) {}

  /** One export or erasure: {@code userId} null for the citizen herself. */
  public static Future<Void> record(SqlClient db, String kind, UUID id, UUID userId, String actor, String action,
                                    String reason, String address, Instant at) {
    return db.preparedQuery("""
            INSERT INTO personal_data_audit (item_kind, item_id, user_id, actor, action, reason, address, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
        .execute(Tuple.from(new Object[] {kind, id, userId, actor, action, reason, address, at.atOffset(ZoneOffset.UTC)}))
        .mapEmpty();
  }

  /**
   * A citizen's own download of her data: a line, but not again for the same appointment from the
   * same address within ten minutes (a page reloaded, or a loop: each call wrote a line kept a
   * year, and each download listed them all).
   */
  public static Future<Void> citizenExport(SqlClient db, String kind, UUID id, String address, Instant at) {
    return db.preparedQuery("""
            INSERT INTO personal_data_audit (item_kind, item_id, user_id, actor, action, reason, address, at)
            SELECT $1, $2, NULL, 'citizen', 'export', NULL, $3, $4
            WHERE NOT EXISTS (SELECT 1 FROM personal_data_audit WHERE item_kind = $1 AND item_id = $2 AND at > $5
                                AND actor = 'citizen' AND action = 'export' AND address IS NOT DISTINCT FROM $3)""")
        .execute(Tuple.of(kind, id, address, at.atOffset(ZoneOffset.UTC), at.minus(java.time.Duration.ofMinutes(10))
            .atOffset(ZoneOffset.UTC)))
        .mapEmpty();
  }

  public static Future<List<Entry>> of(SqlClient db, String kind, UUID id) {
    return db.preparedQuery("""
            SELECT d.at, d.action, d.actor, u.display_name, d.reason FROM personal_data_audit d
            LEFT JOIN app_user u ON u.id = d.user_id
            WHERE d.item_kind = $1 AND d.item_id = $2 ORDER BY d.at, d.id""")
        .execute(Tuple.of(kind, id))
        .map(rows -> Rows.map(rows, r -> new Entry(Rows.instant(r, "at"), r.getString("action"), r.getString("actor"),
            r.getString("display_name"), r.getString("reason"))));
  }
}
