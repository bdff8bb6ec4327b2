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

  /**
   * The pushes of health data, many at once (see {@link PushAudit}): a row of
   * {@code health_data_push} per group, naming its readers in the order given.
   */
  Future<Void> auditPushes(SqlClient db, List<PushAudit.Push> pushes) {
    if (pushes.isEmpty()) {
      return Future.succeededFuture();
    }
    return db.preparedQuery("""
            INSERT INTO health_data_push (teleconsultation_id, at, readers, addresses)
            SELECT item, min(at), array_agg(who ORDER BY n), array_agg(address ORDER BY n)
              FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::text[]) WITH ORDINALITY
                   AS p(grp, item, who, at, address, n)
             GROUP BY grp, item""")
        .execute(Tuple.of(pushes.stream().mapToInt(PushAudit.Push::group).boxed().toArray(Integer[]::new),
            pushes.stream().map(PushAudit.Push::teleconsultationId).toArray(UUID[]::new),
            pushes.stream().map(PushAudit.Push::userId).toArray(UUID[]::new),
            pushes.stream().map(p -> utc(p.at())).toArray(OffsetDateTime[]::new),
            pushes.stream().map(PushAudit.Push::address).toArray(String[]::new)))
        .mapEmpty();
  }

  /** Who read this item's health data, and how (oldest first; a push: a line per reader). */
  public record Access(UUID userId, String action) {}

  public Future<List<Access>> accesses(SqlClient db, UUID id) {
    return db.preparedQuery("""
            SELECT user_id, action FROM (
              SELECT user_id, action, at, id, 0::bigint AS n FROM health_data_access WHERE teleconsultation_id = $1
              UNION ALL
              SELECT r.user_id, 'push', q.at, q.id, r.n
                FROM health_data_push q CROSS JOIN LATERAL unnest(q.readers) WITH ORDINALITY AS r(user_id, n)
               WHERE q.teleconsultation_id = $1) a
             ORDER BY at, id, n""")
        .execute(Tuple.of(id))
        .map(rows -> Rows.map(rows, r -> new Access(r.getUUID("user_id"), r.getString("action"))));
  }

  /** How many lines of the audit the item has: its reads, and a line per reader of each push. */
  public Future<Integer> auditCount(SqlClient db, UUID id) {
    return db.preparedQuery("""
            SELECT (SELECT count(*) FROM health_data_access WHERE teleconsultation_id = $1)
                 + (SELECT coalesce(sum(reader_count), 0) FROM health_data_push WHERE teleconsultation_id = $1) AS n""")
        .execute(Tuple.of(id))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }
}
