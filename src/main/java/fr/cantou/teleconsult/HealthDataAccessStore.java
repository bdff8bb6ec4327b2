package fr.cantou.teleconsult;

import fr.cantou.identity.Principal;
import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import static fr.cantou.teleconsult.TeleconsultStore.utc;

/** SQL of the audit of health data: every read of a teleconsultation and every push of one, by whom, from where. */
public final class HealthDataAccessStore {
  /** One audit row per teleconsultation read, with the reader's address. */
  Future<Void> audit(SqlClient db, List<UUID> ids, Principal reader, String action, Instant now) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO health_data_access (teleconsultation_id, user_id, action, at, address)
            SELECT item, $2, $3, $4, $5 FROM unnest($1::uuid[]) AS item""")
        .execute(Tuple.of(ids.toArray(UUID[]::new), reader.userId(), action, utc(now), reader.address()))
        .mapEmpty();
  }

  /** The pushes of health data, many at once (see {@link PushAudit}). */
  Future<Void> auditPushes(SqlClient db, List<PushAudit.Push> pushes) {
    if (pushes.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO health_data_access (teleconsultation_id, user_id, action, at, address)
            SELECT item, who, 'push', at, address
              FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[]) AS p(item, who, at, address)""")
        .execute(Tuple.of(pushes.stream().map(PushAudit.Push::teleconsultationId).toArray(UUID[]::new),
            pushes.stream().map(PushAudit.Push::userId).toArray(UUID[]::new),
            pushes.stream().map(p -> utc(p.at())).toArray(OffsetDateTime[]::new),
            pushes.stream().map(PushAudit.Push::address).toArray(String[]::new)))
        .mapEmpty();
  }

  /** Who read this item's health data, and how (oldest first). */
  public record Access(UUID userId, String action) {}

  public Future<List<Access>> accesses(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT user_id, action FROM health_data_access WHERE teleconsultation_id = $1 ORDER BY id")
        .execute(Tuple.of(id))
        .map(rows -> Rows.map(rows, r -> new Access(r.getUUID("user_id"), r.getString("action"))));
  }

  public Future<Integer> auditCount(SqlClient db, UUID id) {
    return db.preparedQuery("SELECT count(*) AS n FROM health_data_access WHERE teleconsultation_id = $1")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }
}
