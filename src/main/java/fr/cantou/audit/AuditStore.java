package fr.cantou.audit;

import fr.cantou.platform.db.DatabaseEndpoint;
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
import java.util.Set;

/** SQL of the audit trail: the admin's filtered pages of its tables, and its retention. */
public final class AuditStore {
  /** The six tables of the trail (V30, V40; the points' screens' lines, V22; pushes of health data, V74). */
  static final List<String> TABLES = List.of("health_data_access", "health_data_push", "personal_data_audit", "change_audit",
      "access_audit", "kiosk_audit");

  /** The letters of the trail's sources, as a line's id and a cursor name them. */
  static final String LETTERS = "hqpcka";

  /**
   * A push's lines (V74): a row names up to this many readers, and its i-th reader's line is
   * known by the row's id × PUSH_LINES + i (i from 0), in the order of (at, id) like every line.
   */
  static final long PUSH_LINES = 1_000;

  /** Where a page starts: the last line of the page before (lines go newest first). */
  public record Position(Instant at, String source, long id) {}

  /**
   * One table of the trail, read alike ({@code source}: h, p, c, k or a; with {@code id}, a line's
   * key; the pushes, q, are read by {@link #pushes}): its alias, the expressions of the columns
   * every line has, and which categories and kinds of item it can hold at all (a filter outside
   * them leaves the table out of the query).
   * {@code category} and {@code itemKind}: a column when the table holds several, else a constant.
   */
  private record Source(String letter, String table, String actor, String category, Set<String> categories,
                        String action, String itemKind, Set<String> itemKinds, String itemId, String reason, String screen) {
    Source(String letter, String table, String actor, String category, Set<String> categories, String action,
           String itemKind, Set<String> itemKinds, String itemId, String reason) {
      this(letter, table, actor, category, categories, action, itemKind, itemKinds, itemId, reason, "NULL::uuid");
    }

    String select() {
      String x = letter;
      return "SELECT '" + x + "' AS source, " + x + ".id, " + x + ".at, " + x + ".user_id, " + actor + " AS actor, "
          + category + " AS category, " + action + " AS action, " + itemKind + " AS item_kind, " + itemId
          + " AS item_id, " + x + ".address, " + reason + " AS reason, " + screen + " AS screen_id FROM " + table + " " + x;
    }
  }

  private static final List<Source> SOURCES = List.of(
      new Source("h", "health_data_access", "'user'", "'read'", Set.of("read"), "h.action", "'teleconsultation'",
          Set.of("teleconsultation"), "h.teleconsultation_id::text", "NULL::text"),
      new Source("p", "personal_data_audit", "CASE WHEN p.user_id IS NULL THEN 'citizen' ELSE 'user' END", "p.action",
          Set.of("export", "erasure"), "p.action", "p.item_kind", Set.of("appointment", "teleconsultation", "waiting_place"),
          "p.item_id::text", "p.reason"),
      new Source("c", "change_audit", "CASE WHEN c.user_id IS NULL THEN 'citizen' ELSE 'user' END", "'change'",
          Set.of("change"), "c.action", "c.item_kind", Set.of("teleconsultation", "appointment", "user", "organisation",
          "specialty", "service", "point", "agent"), "c.item_id", "NULL::text"),
      // What a point's screen did (user_id null: the screen itself), or staff did to it: the line names the screen.
      new Source("k", "kiosk_audit", "CASE WHEN k.user_id IS NULL THEN 'screen' ELSE 'user' END", "'change'",
          Set.of("change"), "k.action", "k.item_kind", Set.of("appointment", "point"), "k.item_id", "NULL::text", "k.kiosk_id"),
      new Source("a", "access_audit", "CASE WHEN a.user_id IS NULL THEN 'anonymous' ELSE 'user' END", "a.category",
          Set.of("read", "sign_in", "audit"), "a.action", "a.item_kind", Set.of("appointment", "user"), "a.item_id",
          "a.detail"));

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
   * Each table that can hold such lines is read on its own — its conditions, the cursor, ORDER
   * BY and LIMIT inside its branch, so that each is one walk down one of its indexes that stops
   * after {@code limit} rows — and the union of those few rows is sorted once (docs/operations.md,
   * "The audit trail at volume"). A table that cannot hold what is asked is not read at all.
   */
  public Future<List<Line>> page(SqlClient db, AuditFilter filter, Position from, int limit, ZoneId zone) {
    List<Object> params = new ArrayList<>();
    params.add(limit);
    List<String> branches = new ArrayList<>();
    for (Source source : SOURCES) {
      if (!admits(source.categories(), filter.category()) || !admits(source.itemKinds(), filter.itemKind())) {
        continue;
      }
      String x = source.letter();
      List<String> where = new ArrayList<>();
      condition(where, params, x + ".user_id =", filter.userId());
      condition(where, params, source.itemId() + " =", filter.itemId());
      if (filter.reference() != null) {
        params.add(filter.reference());
        where.add(source.itemId() + " IN (" + REFERENCE.formatted(params.size()) + ")");
      }
      condition(where, params, source.itemKind() + " =", source.itemKinds().size() > 1 ? filter.itemKind() : null);
      condition(where, params, source.category() + " =", source.categories().size() > 1 ? filter.category() : null);
      condition(where, params, x + ".at >=", filter.after() == null ? null : filter.after().atOffset(ZoneOffset.UTC));
      condition(where, params, x + ".at <", filter.before() == null ? null : filter.before().atOffset(ZoneOffset.UTC));
      if (from != null) {
        where.add(after(x, from, params));
      }
      branches.add("(" + source.select() + where(where) + " ORDER BY " + x + ".at DESC, " + x + ".id DESC LIMIT $1)");
    }
    if (admits(Set.of("read"), filter.category()) && admits(Set.of("teleconsultation"), filter.itemKind())) {
      branches.add(pushes(filter, from, params));
    }
    if (branches.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    String sql = "SELECT t.source, t.id, t.at, t.user_id, t.actor, u.display_name, u.role, t.category, t.action, t.item_kind,"
        + " t.item_id, t.address, t.reason, t.screen_id, s.label AS screen_label FROM (" + String.join(" UNION ALL ", branches)
        + ") t LEFT JOIN app_user u ON u.id = t.user_id LEFT JOIN visio_kiosk s ON s.id = t.screen_id"
        + " ORDER BY t.at DESC, t.source DESC, t.id DESC LIMIT $1";
    return db.preparedQuery(DatabaseEndpoint.builtPerRequest(sql)).execute(Tuple.from(params)).map(rows -> Rows.map(rows, r -> {
      Instant at = Rows.instant(r, "at");
      String source = r.getString("source");
      long id = r.getLong("id");
      String userId = Rows.id(r, "user_id");
      return new Line(new Position(at, source, id), new AuditEntry(source + "-" + id, at.atZone(zone).toOffsetDateTime(),
          r.getString("actor"), userId, r.getString("display_name"), r.getString("role"),
          r.getString("category"), r.getString("action"), r.getString("item_kind"), r.getString("item_id"),
          r.getString("address"), r.getString("reason"), Rows.id(r, "screen_id"), r.getString("screen_label")));
    }));
  }

  /**
   * The pushes' lines (V74): their rows walked down an index like the other tables, newest first,
   * LIMIT $1 + 1 of them (the cursor's own row may have no line left after it), then cut into a
   * line per reader, the last place of a row first. For a person, her places in each row (a row
   * found by her names her); otherwise only as many rows as hold a page of lines, each cut to
   * its last $1 places, so that a page never unnests more than about a page and a row.
   */
  private static String pushes(AuditFilter filter, Position from, List<Object> params) {
    List<String> rows = new ArrayList<>();
    int user = 0;
    if (filter.userId() != null) {
      params.add(filter.userId());
      user = params.size();
      rows.add("q.readers @> ARRAY[$" + user + "::uuid]");
    }
    condition(rows, params, "q.teleconsultation_id::text =", filter.itemId());
    if (filter.reference() != null) {
      params.add(filter.reference());
      rows.add("q.teleconsultation_id::text IN (" + REFERENCE.formatted(params.size()) + ")");
    }
    condition(rows, params, "q.at >=", filter.after() == null ? null : filter.after().atOffset(ZoneOffset.UTC));
    condition(rows, params, "q.at <", filter.before() == null ? null : filter.before().atOffset(ZoneOffset.UTC));
    // The last place of each row a line may come from: before the cursor's place in its own row.
    String top = "q.reader_count";
    if (from != null && from.source().equals("q")) {
      params.add(from.at().atOffset(ZoneOffset.UTC));
      int at = params.size();
      params.add(Math.floorDiv(from.id(), PUSH_LINES));
      int row = params.size();
      rows.add("(q.at, q.id) <= ($" + at + ", $" + row + ")");
      params.add((int) Math.floorMod(from.id(), PUSH_LINES) + 1);
      top = "CASE WHEN q.id = $" + row + " THEN least(q.reader_count, $" + params.size() + " - 1) ELSE q.reader_count END";
    } else if (from != null) {
      rows.add(after("q", from, params));
    }
    // The rows' arrays ride along the walk (their TOAST pointers, not their contents): joining the rows again by id
    // made PostgreSQL's generic plan walk the whole table (163 ms against 1.2 ms on 100,000 rows, docs/operations.md).
    String walked = "SELECT q.id, q.at, q.teleconsultation_id, q.readers, q.addresses, " + top + " AS top"
        + " FROM health_data_push q" + where(rows) + " ORDER BY q.at DESC, q.id DESC LIMIT $1 + 1";
    // Each row's arrays are read once: a subscript per line unpacks the whole array again (an export page of a
    // 1,000-reader row: 16-20 ms against 2 ms sliced).
    String places = user > 0
        ? "(" + walked + ") q CROSS JOIN LATERAL (SELECT p.n, $" + user + "::uuid AS user_id, q.addresses[p.n] AS address"
          + " FROM unnest(array_positions(q.readers, $" + user + "::uuid)) AS p(n) WHERE p.n <= q.top) r"
        : "(SELECT k.*, greatest(1, k.top - $1 + 1)::int AS lo FROM (SELECT c.*, sum(c.top) OVER (ORDER BY c.at DESC, c.id DESC)"
          + " - c.top AS before FROM (" + walked + ") c) k WHERE k.before < $1) q"
          + " CROSS JOIN LATERAL (SELECT q.lo + u.o - 1 AS n, u.user_id, u.address"
          + " FROM unnest(q.readers[q.lo:q.top], q.addresses[q.lo:q.top]) WITH ORDINALITY AS u(user_id, address, o)) r";
    return "(SELECT 'q' AS source, q.id * " + PUSH_LINES + " + r.n - 1 AS id, q.at, r.user_id,"
        + " 'user' AS actor, 'read' AS category, 'push' AS action, 'teleconsultation' AS item_kind,"
        + " q.teleconsultation_id::text AS item_id, r.address, NULL::text AS reason,"
        + " NULL::uuid AS screen_id FROM " + places + " ORDER BY q.at DESC, 2 DESC LIMIT $1)";
  }

  private static String where(List<String> conditions) {
    return conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
  }

  private static boolean admits(Set<String> held, String asked) {
    return asked == null || held.contains(asked);
  }

  /**
   * The lines of one table after the cursor in the trail's order (at, source, id) descending,
   * written on the table's own (at, id) so that its index applies: the same instant is after
   * the cursor's for every line of a table ordered after the cursor's table, for none of a table
   * before it, and below the cursor's id in its own table.
   */
  private static String after(String x, Position from, List<Object> params) {
    params.add(from.at().atOffset(ZoneOffset.UTC));
    int at = params.size();
    int order = x.compareTo(from.source());
    if (order == 0) {
      params.add(from.id());
      return "(" + x + ".at, " + x + ".id) < ($" + at + ", $" + params.size() + ")";
    }
    return x + ".at " + (order < 0 ? "<=" : "<") + " $" + at;
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
