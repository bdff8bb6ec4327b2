package fr.cantou.demo;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** Whether the demo territory was loaded (a row in the settings table). */
final class DemoStore {

  Future<Boolean> loaded(SqlClient db) {
    return db.query("SELECT EXISTS (SELECT 1 FROM setting WHERE key = 'demo.loadedAt') AS present")
        .execute()
        .map(rows -> rows.iterator().next().getBoolean("present"));
  }

  Future<Void> markLoaded(SqlClient db) {
    return db.query("INSERT INTO setting (key, value) VALUES ('demo.loadedAt', now()::text) ON CONFLICT DO NOTHING")
        .execute()
        .mapEmpty();
  }
}
