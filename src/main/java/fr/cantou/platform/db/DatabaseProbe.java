package fr.cantou.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** The cheapest statement: whether the database answers now (/ready). */
public final class DatabaseProbe {
  private DatabaseProbe() {}

  public static Future<Void> ping(SqlClient db) {
    return db.query("SELECT 1").execute().mapEmpty();
  }
}
