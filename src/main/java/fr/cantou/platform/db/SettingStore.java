package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** Node-wide values kept in the database (generated keys), the same for every node. */
public final class SettingStore {

  /** Returns the stored value, inserting {@code candidate} first if the key is new (safe across nodes). */
  public Future<String> valueOrInsert(SqlClient db, String key, String candidate) {
    return db.preparedQuery("""
            WITH inserted AS (
              INSERT INTO setting (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value)
            SELECT value FROM inserted UNION ALL SELECT value FROM setting WHERE key = $1""")
        .execute(Tuple.of(key, candidate))
        .map(rows -> rows.iterator().next().getString("value"));
  }
}
