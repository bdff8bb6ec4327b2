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
   * {@code health_data_push} per {@link PushAudit.Row}, naming its readers in the order given.
   */
  Future<Void> auditPushes(SqlClient db, List<PushAudit.Row> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture();
    }
    int reads = rows.stream().mapToInt(row -> row.readers().size()).sum();
    UUID[] items = new UUID[rows.size()];
    OffsetDateTime[] ats = new OffsetDateTime[rows.size()];
    Integer[] firsts = new Integer[rows.size()];
    Integer[] lasts = new Integer[rows.size()];
    UUID[] readers = new UUID[reads];
    String[] addresses = new String[reads];
    int end = 0;
    for (int r = 0; r < rows.size(); r++) {
      PushAudit.Row row = rows.get(r);
      items[r] = row.teleconsultationId();
      ats[r] = utc(row.at());
      firsts[r] = end + 1;
      for (int i = 0; i < row.readers().size(); i++, end++) {
        readers[end] = row.readers().get(i);
        addresses[end] = row.addresses().get(i);
      }
      lasts[r] = end;
    }
    // The readers of every row in one array, each row its slice: a value per read, not five.
    return db.preparedQuery("""
            INSERT INTO health_data_push (teleconsultation_id, at, readers, addresses)
            SELECT r.item, r.at, ($5::uuid[])[r.first : r.last], ($6::text[])[r.first : r.last]
              FROM unnest($1::uuid[], $2::timestamptz[], $3::int[], $4::int[]) WITH ORDINALITY AS r(item, at, first, last, place)
             ORDER BY r.place""")
        .execute(Tuple.of(items, ats, firsts, lasts, readers, addresses))
        .mapEmpty();
  }

  /**
   * Merges the readers' index's pending list into the index (V75), outside any insert: this
   * statement holds no transaction id, so no event waits behind it. How many pages it merged
   * (it waits for another node's merge of the index to end first). Only the index's owner may.
   */
  Future<Long> mergeReadersIndex(SqlClient db) {
    return db.query("SELECT gin_clean_pending_list('health_data_push_readers'::regclass) AS pages").execute()
        .map(rows -> rows.iterator().next().getLong("pages"));
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
