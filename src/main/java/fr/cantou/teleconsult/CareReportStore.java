package fr.cantou.teleconsult;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** SQL of a request's report beside the item itself: its specialty's name as the admins wrote it. */
final class CareReportStore {
  /** The specialty's label ("Dermatologie"); its code when it has none (a specialty removed since). */
  Future<String> specialtyLabel(SqlClient db, String code) {
    return db.preparedQuery("SELECT label FROM specialty WHERE code = $1").execute(Tuple.of(code))
        .map(rows -> rows.rowCount() == 0 ? code : rows.iterator().next().getString("label"));
  }
}
