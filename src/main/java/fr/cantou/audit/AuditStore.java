package fr.cantou.audit;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** SQL of the audit trail: the admin's filtered pages of its four tables, and its retention. */
public final class AuditStore {
  /** The four tables of the trail (V30, V40). */
  static final List<String> TABLES = List.of("health_data_access", "personal_data_audit", "change_audit", "access_audit");

  /** Where a page starts: the last line of the page before (lines go newest first). */
  public record Position(Instant at, String source, long id) {}

  /**
   * Every line of the four tables, alike ({@code source}: h, p, c or a; with {@code id}, a line's
   * key). The filters written on it reach each table's indexes: PostgreSQL pushes them into
   * every branch, and drops a branch whose constant category cannot match.
   */
  private static final String TRAIL = """
      SELECT 'h' AS source, h.id, h.at, h.user_id, 'user' AS actor, 'read' AS category, h.action,
             'teleconsultation' AS item_kind, h.teleconsultation_id::text AS item_id, h.address, NULL::text AS reason
        FROM health_data_access h
      UNION ALL
      SELECT 'p', p.id, p.at, p.user_id, CASE WHEN p.user_id IS NULL THEN 'citizen' ELSE 'user' END, p.action, p.action,
             p.item_kind, p.item_id::text, p.address, p.reason
        FROM personal_data_audit p
      UNION ALL
      SELECT 'c', c.id, c.at, c.user_id, CASE WHEN c.user_id IS NULL THEN 'citizen' ELSE 'user' END, 'change', c.action,
             c.item_kind, c.item_id, c.address, NULL
        FROM change_audit c
      UNION ALL
      SELECT 'a', a.id, a.at, a.user_id, CASE WHEN a.user_id IS NULL THEN 'anonymous' ELSE 'user' END, a.category,
             a.action, a.item_kind, a.item_id, a.address, a.detail
        FROM access_audit a""";

  /**
   * The items a reference names ($%1$d): the appointment of that reference, and the
   * teleconsultations of that patient reference in every care home (a patient's reference is
   * erased with her data after teleconsult.patientDataDays: older lines are then found by id).
   */
  private static final String REFERENCE = """
      SELECT ap.id::text FROM appointment ap WHERE ap.reference = upper($%1$d)
      UNION ALL
      SELECT tc.id::text FROM teleconsultation tc WHERE lower(btrim(tc.patient_reference)) = lower(btrim($%1$d))""";

  public record Line(Position position, AuditEntry entry) {}

  /**
   * At most {@code limit} lines matching, newest first, strictly after {@code from} when given.
   * Only the conditions asked for are written, so that each reaches its table's index in every
   * branch of the union.
   */
  public Future<List<Line>> page(SqlClient db, AuditFilter filter, Position from, int limit, ZoneId zone) {
    List<String> where = new ArrayList<>();
    List<Object> params = new ArrayList<>();
    condition(where, params, "t.user_id =", filter.userId());
    condition(where, params, "t.item_id =", filter.itemId());
    if (filter.reference() != null) {
      params.add(filter.reference());
      where.add("t.item_id IN (" + REFERENCE.formatted(params.size()) + ")");
    }
    condition(where, params, "t.item_kind =", filter.itemKind());
    condition(where, params, "t.category =", filter.category());
    condition(where, params, "t.at >=", filter.after() == null ? null : filter.after().atOffset(ZoneOffset.UTC));
    condition(where, params, "t.at <", filter.before() == null ? null : filter.before().atOffset(ZoneOffset.UTC));
    if (from != null) {
      params.add(from.at().atOffset(ZoneOffset.UTC));
      params.add(from.source());
      params.add(from.id());
      int n = params.size();
      where.add("(t.at, t.source, t.id) < ($" + (n - 2) + ", $" + (n - 1) + ", $" + n + ")");
    }
    params.add(limit);
    String sql = "SELECT t.source, t.id, t.at, t.user_id, t.actor, u.display_name, u.role, t.category, t.action, t.item_kind,"
        + " t.item_id, t.address, t.reason FROM (" + TRAIL + ") t LEFT JOIN app_user u ON u.id = t.user_id"
        + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
        + " ORDER BY t.at DESC, t.source DESC, t.id DESC LIMIT $" + params.size();
    return db.preparedQuery(sql).execute(Tuple.from(params)).map(rows -> Rows.map(rows, r -> {
      Instant at = Rows.instant(r, "at");
      String source = r.getString("source");
      long id = r.getLong("id");
      String userId = Rows.id(r, "user_id");
      return new Line(new Position(at, source, id), new AuditEntry(source + "-" + id, at.atZone(zone).toOffsetDateTime(),
          r.getString("actor"), userId, r.getString("display_name"), r.getString("role"),
          r.getString("category"), r.getString("action"), r.getString("item_kind"), r.getString("item_id"),
          r.getString("address"), r.getString("reason")));
    }));
  }

  /** "column op $n" with its value, when a value is asked for. */
  private static void condition(List<String> where, List<Object> params, String test, Object value) {
    if (value != null) {
      params.add(value);
      where.add(test + " $" + params.size());
    }
  }

  /** Deletes up to {@code batch} rows of one table older than {@code before}; how many went. */
  public Future<Integer> purgeBatch(Pool pool, String table, Instant before, int batch) {
    if (!TABLES.contains(table)) {
      return Future.failedFuture(new IllegalArgumentException(table));
    }
    return pool.preparedQuery("""
            WITH gone AS (
              DELETE FROM %1$s WHERE id IN (SELECT id FROM %1$s WHERE at < $1 ORDER BY at LIMIT $2 FOR UPDATE SKIP LOCKED)
              RETURNING 1)
            SELECT count(*) AS n FROM gone""".formatted(table))
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), batch))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }
}
