package fr.cantou.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The counters of sign-in attempts (see V15). */
final class LoginThrottleStore {
  /** Longest block after too many attempts, in seconds. */
  static final int LONGEST_BLOCK_SECONDS = 900;

  /** Whether this attempt may be checked: within the limit, or the one try after a block ran out. */
  record Counted(int attempts, int maxAttempts, int blocks) {
    boolean admitted() {
      return attempts <= maxAttempts || blocks >= 2;
    }

    /** Over the limit: this attempt blocked the key (for 2^blocks seconds). */
    boolean startsBlock() {
      return attempts > maxAttempts;
    }
  }

  /**
   * Counts one attempt against every key at once, in the keys' order (every caller sorts them,
   * so concurrent attempts lock rows in the same order and never deadlock). A key still blocked
   * is not counted and is missing from the answer; each attempt over a key's limit blocks it,
   * the n-th time for 2^n seconds.
   */
  Future<Map<String, Counted>> count(SqlClient db, List<String> keys, List<Integer> limits, Instant now, Instant windowStart) {
    return db.preparedQuery("""
            INSERT INTO login_throttle AS t (key, max_attempts, attempts, window_start)
            SELECT k, l, 1, $3 FROM unnest($1::text[], $2::int[]) AS x(k, l)
            ON CONFLICT (key) DO UPDATE SET
              max_attempts = excluded.max_attempts,
              attempts = CASE WHEN t.window_start < $4 THEN 1 ELSE t.attempts + 1 END,
              window_start = CASE WHEN t.window_start < $4 THEN $3 ELSE t.window_start END,
              blocks = CASE WHEN t.window_start < $4 THEN 0
                            WHEN t.attempts + 1 > excluded.max_attempts THEN t.blocks + 1 ELSE t.blocks END,
              blocked_until = CASE WHEN t.window_start >= $4 AND t.attempts + 1 > excluded.max_attempts
                THEN $3 + least($5, 2 ^ (t.blocks + 1)) * interval '1 second' ELSE t.blocked_until END
            WHERE t.blocked_until <= $3
            RETURNING key, attempts, max_attempts, blocks""")
        .execute(Tuple.of(keys.toArray(String[]::new), limits.toArray(Integer[]::new), utc(now), utc(windowStart),
            LONGEST_BLOCK_SECONDS))
        .map(rows -> {
          Map<String, Counted> counted = new HashMap<>();
          for (Row r : rows) {
            counted.put(r.getString("key"), new Counted(r.getInteger("attempts"), r.getInteger("max_attempts"),
                r.getInteger("blocks")));
          }
          return counted;
        });
  }

  /** When the last of these keys stops being blocked. */
  Future<Instant> blockedUntil(SqlClient db, List<String> keys) {
    return db.preparedQuery("SELECT max(blocked_until) FILTER (WHERE isfinite(blocked_until)) AS until FROM login_throttle WHERE key = ANY($1::text[])")
        .execute(Tuple.of((Object) keys.toArray(String[]::new)))
        .map(rows -> {
          OffsetDateTime until = rows.iterator().next().getOffsetDateTime("until");
          return until == null ? Instant.EPOCH : until.toInstant();
        });
  }

  /** A successful sign-in: the account's counter from this address starts again, the address's attempt is given back. */
  Future<Void> succeeded(SqlClient db, String account, String address) {
    return db.preparedQuery("""
            WITH cleared AS (DELETE FROM login_throttle WHERE key = $1)
            UPDATE login_throttle SET attempts = greatest(attempts - 1, 0) WHERE key = $2""")
        .execute(Tuple.of(account, address))
        .mapEmpty();
  }

  /** Deletes up to {@code batch} counters whose window began before {@code before} and that block nothing. */
  Future<Integer> forget(SqlClient db, Instant before, int batch) {
    return db.preparedQuery("""
            DELETE FROM login_throttle WHERE key IN (
              SELECT key FROM login_throttle WHERE window_start < $1 AND blocked_until < $1 LIMIT $2 FOR UPDATE SKIP LOCKED)""")
        .execute(Tuple.of(utc(before), batch))
        .map(rows -> rows.rowCount());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
