package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The counters of {@link fr.cantou.platform.RateLimits} (V17). */
public final class RateLimitStore {
  /** A key's use in its current window. */
  public record Counter(int count, Instant windowStart) {}

  /** One more for each key (sorted, so concurrent calls lock in one order); the count and window start of each. */
  public Future<Map<String, Counter>> count(SqlClient db, List<String> keys, Instant now, Instant windowStartedBefore) {
    return db.preparedQuery("""
            INSERT INTO rate_limit AS r (key, window_start, count)
            SELECT k, $2, 1 FROM unnest($1::text[]) AS k
            ON CONFLICT (key) DO UPDATE SET
              count = CASE WHEN r.window_start <= $3 THEN 1 ELSE r.count + 1 END,
              window_start = CASE WHEN r.window_start <= $3 THEN $2 ELSE r.window_start END
            RETURNING key, count, window_start""")
        .execute(Tuple.of(keys.toArray(String[]::new), now.atOffset(ZoneOffset.UTC), windowStartedBefore.atOffset(ZoneOffset.UTC)))
        .map(RateLimitStore::counters);
  }

  /**
   * {@code counts[i]} more uses of {@code keys[i]} (sorted by the caller, so concurrent writers lock
   * in one order), all of windows of one length: a window begun before {@code windowStartedBefore}
   * starts again at {@code now}.
   */
  public Future<Void> add(SqlClient db, List<String> keys, List<Integer> counts, Instant now, Instant windowStartedBefore) {
    return db.preparedQuery("""
            INSERT INTO rate_limit AS r (key, window_start, count)
            SELECT k, $2, c FROM unnest($1::text[], $4::int[]) AS u(k, c)
            ON CONFLICT (key) DO UPDATE SET
              count = CASE WHEN r.window_start <= $3 THEN excluded.count ELSE r.count + excluded.count END,
              window_start = CASE WHEN r.window_start <= $3 THEN $2 ELSE r.window_start END""")
        .execute(Tuple.of(keys.toArray(String[]::new), now.atOffset(ZoneOffset.UTC), windowStartedBefore.atOffset(ZoneOffset.UTC),
            counts.toArray(Integer[]::new)))
        .mapEmpty();
  }

  /** In this transaction, a statement runs at most {@code limit}, its waits included (then SQLSTATE 57014). */
  public Future<Void> statementsEndWithin(SqlClient tx, java.time.Duration limit) {
    return tx.query("SET LOCAL statement_timeout = '" + limit.toMillis() + "ms'").execute().mapEmpty();
  }

  /** Whether a statement was cancelled for running longer than {@link #statementsEndWithin} allowed. */
  public static boolean ranTooLong(Throwable e) {
    return e instanceof io.vertx.pgclient.PgException pg && "57014".equals(pg.getSqlState());
  }

  /**
   * What the other sessions of this database wait on or hold open, for the log when a statement ran too long: each
   * session's state, wait, the sessions blocking it, how long its transaction has run and the start of its statement.
   */
  public Future<List<String>> waits(SqlClient db) {
    return db.query("""
            SELECT pid, state, wait_event_type, wait_event, pg_blocking_pids(pid) AS blockers,
                   round(extract(epoch FROM now() - xact_start) * 1000) AS xact_ms, left(query, 120) AS query
            FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
            ORDER BY xact_start""")
        .execute()
        .map(rows -> {
          List<String> seen = new java.util.ArrayList<>();
          rows.forEach(r -> seen.add("pid=" + r.getInteger("pid") + " state=" + r.getString("state") + " wait="
              + r.getString("wait_event_type") + "/" + r.getString("wait_event") + " blockers="
              + java.util.Arrays.toString(r.getArrayOfIntegers("blockers")) + " xact_ms=" + r.getValue("xact_ms")
              + " query=" + r.getString("query").replaceAll("\\s+", " ")));
          return seen;
        });
  }

  /** In this transaction, a row lock is waited for at most {@code wait} (then SQLSTATE 55P03). */
  public Future<Void> lockWaitAtMost(SqlClient tx, java.time.Duration wait) {
    return tx.query("SET LOCAL lock_timeout = '" + wait.toMillis() + "ms'").execute().mapEmpty();
  }

  /** In this transaction, locks are waited for again as the connection's settings say (after {@link #lockWaitAtMost}). */
  public Future<Void> lockWaitAsUsual(SqlClient tx) {
    return tx.query("SET LOCAL lock_timeout TO DEFAULT").execute().mapEmpty();
  }

  /** Whether a statement failed because it waited for a lock longer than {@link #lockWaitAtMost} allowed. */
  public static boolean lockWaitedTooLong(Throwable e) {
    return e instanceof io.vertx.pgclient.PgException pg && "55P03".equals(pg.getSqlState());
  }

  /** One use fewer of each key, in the window given (a counter whose window began since is not touched). */
  public Future<Void> giveBack(SqlClient db, Map<String, Instant> windows) {
    List<String> keys = windows.keySet().stream().sorted().toList();
    return db.preparedQuery("""
            UPDATE rate_limit AS r SET count = r.count - 1
            FROM unnest($1::text[], $2::timestamptz[]) AS u(k, w)
            WHERE r.key = u.k AND r.window_start = u.w AND r.count > 0""")
        .execute(Tuple.tuple().addArrayOfString(keys.toArray(String[]::new))
            .addArrayOfOffsetDateTime(keys.stream().map(k -> windows.get(k).atOffset(ZoneOffset.UTC))
                .toArray(java.time.OffsetDateTime[]::new)))
        .mapEmpty();
  }

  /**
   * The counts of these keys whose window began after {@code windowStartedAfter} (others count 0).
   * One parameter per key, not an array: PostgreSQL plans {@code key = ANY($1)} as ten keys, judged
   * that generic plan dearer than planning each call with the keys given, and planned this read
   * again at every booking (bench of 3 December 2026). With as many parameters as keys (a few, so a
   * few statements), the generic plan is the custom one and is kept.
   */
  public Future<Map<String, Counter>> current(SqlClient db, List<String> keys, Instant windowStartedAfter) {
    if (keys.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple params = Tuple.tuple().addOffsetDateTime(windowStartedAfter.atOffset(ZoneOffset.UTC));
    StringBuilder placeholders = new StringBuilder();
    for (String key : keys) {
      params.addString(key);
      placeholders.append(placeholders.length() == 0 ? "$" : ", $").append(params.size());
    }
    return db.preparedQuery("SELECT key, count, window_start FROM rate_limit WHERE window_start > $1 AND key IN ("
            + placeholders + ")")
        .execute(params)
        .map(RateLimitStore::counters);
  }

  private static Map<String, Counter> counters(Iterable<Row> rows) {
    Map<String, Counter> counted = new HashMap<>();
    rows.forEach(r -> counted.put(r.getString("key"),
        new Counter(r.getInteger("count"), r.getOffsetDateTime("window_start").toInstant())));
    return counted;
  }

  /** Deletes up to {@code batch} counters whose window began before {@code before}. */
  public Future<Integer> forget(SqlClient db, Instant before, int batch) {
    return db.preparedQuery("""
            DELETE FROM rate_limit WHERE key IN (
              SELECT key FROM rate_limit WHERE window_start < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)""")
        .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), batch))
        .map(rows -> rows.rowCount());
  }
}
