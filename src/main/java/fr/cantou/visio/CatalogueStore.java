package fr.cantou.visio;

import fr.cantou.platform.db.DatabaseErrors.Rule;
import fr.cantou.platform.db.DatabaseErrors.Violation;
import fr.cantou.platform.db.Rows;
import fr.cantou.visio.VisioStore.Refusal;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.visio.VisioStore.refusals;
import static fr.cantou.visio.VisioStore.utc;

/** SQL of the catalogue: the services of the administrations and the points visio-accueil. */
final class CatalogueStore {
  /** A service with its administration's name and time zone. */
  public record ServiceRow(UUID id, UUID organisationId, String name, String administration, int durationMinutes,
                           String description, List<String> documents, String prefix, ZoneId zone) {}

  // Services.

  private static final String SERVICE = """
      SELECT s.id, s.organisation_id, s.name, o.name AS administration, s.duration_minutes, s.description, s.documents,
             s.reference_prefix, o.time_zone
      FROM visio_service s JOIN organisation o ON o.id = s.organisation_id""";

  Future<List<ServiceRow>> services(SqlClient db) {
    return db.query(SERVICE + " WHERE s.active ORDER BY o.name, s.name").execute()
        .map(rows -> Rows.map(rows, CatalogueStore::service));
  }

  Future<Optional<ServiceRow>> service(SqlClient db, UUID id) {
    return db.preparedQuery(SERVICE + " WHERE s.id = $1 AND s.active").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(CatalogueStore::service));
  }

  Future<UUID> insertService(SqlClient db, UUID organisationId, String name, String description, List<String> documents,
                             int duration, String prefix) {
    return db.preparedQuery("""
            INSERT INTO visio_service (organisation_id, name, description, documents, duration_minutes, reference_prefix)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id""")
        .execute(Tuple.of(organisationId, name, description, documents.toArray(String[]::new), duration, prefix))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.SERVICE_NAME_TAKEN),
            new Rule(Violation.FOREIGN_KEY, "", Refusal.NO_SUCH_ADMINISTRATION)));
  }

  /** False when no active service has this id. */
  Future<Boolean> updateService(SqlClient db, UUID id, VisioRecords.ServiceChange c) {
    return db.preparedQuery("""
            UPDATE visio_service SET name = $2, description = $3, documents = $4, duration_minutes = $5
            WHERE id = $1 AND active""")
        .execute(Tuple.of(id, c.name().trim(), c.description() == null ? "" : c.description().trim(),
            (c.documents() == null ? List.<String>of() : c.documents()).toArray(String[]::new), c.durationMinutes()))
        .map(rows -> rows.rowCount() == 1)
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.SERVICE_NAME_TAKEN)));
  }

  Future<Boolean> withdrawService(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE visio_service SET active = false WHERE id = $1 AND active").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  private static ServiceRow service(Row r) {
    return new ServiceRow(r.getUUID("id"), r.getUUID("organisation_id"), r.getString("name"), r.getString("administration"),
        r.getInteger("duration_minutes"), r.getString("description"), Rows.strings(r, "documents"),
        r.getString("reference_prefix"), ZoneId.of(r.getString("time_zone")));
  }

  // Points.

  private static final String POINT = """
      SELECT p.id, p.name, p.commune, p.kind, p.address, p.time_zone, p.organisation_id, p.phone,
             COALESCE((SELECT json_agg(json_build_array(h.weekday, h.start_time::text, h.end_time::text)
                                       ORDER BY h.weekday, h.start_time)
                       FROM visio_point_hours h WHERE h.point_id = p.id), '[]') AS hours
      FROM visio_point p""";

  Future<List<VisioRecords.Point>> points(SqlClient db) {
    return db.query(POINT + " WHERE p.active ORDER BY p.commune, p.name").execute()
        .map(rows -> Rows.map(rows, CatalogueStore::point));
  }

  Future<Optional<VisioRecords.Point>> point(SqlClient db, UUID id) {
    return db.preparedQuery(POINT + " WHERE p.id = $1 AND p.active").execute(Tuple.of(id))
        .map(rows -> Rows.first(rows).map(CatalogueStore::point));
  }

  /** {@code phone}: as written ({@code PhoneNumbers.written}), or null. */
  Future<UUID> insertPoint(SqlClient db, VisioRecords.NewPoint p, UUID organisationId, String phone) {
    return db.preparedQuery("""
            INSERT INTO visio_point (name, commune, kind, address, organisation_id, phone) VALUES ($1, $2, $3, $4, $5, $6)
            RETURNING id""")
        .execute(Tuple.of(p.name(), p.commune(), p.kind(), p.address() == null ? "" : p.address(), organisationId, phone))
        .map(rows -> rows.iterator().next().getUUID("id"))
        .compose(id -> VisioStore.insertHours(db, "visio_point_hours", "point_id", id, p.hours()).map(id))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.POINT_NAME_TAKEN)));
  }

  /** False when no active point has this id. Its hours are replaced. */
  Future<Boolean> updatePoint(SqlClient db, UUID id, VisioRecords.PointChange c, String phone) {
    return db.preparedQuery("""
            UPDATE visio_point SET name = $2, commune = $3, kind = $4, address = $5, phone = $6 WHERE id = $1 AND active""")
        .execute(Tuple.of(id, c.name().trim(), c.commune().trim(), c.kind(), c.address() == null ? "" : c.address().trim(),
            phone))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : db.preparedQuery("DELETE FROM visio_point_hours WHERE point_id = $1").execute(Tuple.of(id))
                .compose(v -> VisioStore.insertHours(db, "visio_point_hours", "point_id", id, c.hours())).map(true))
        .recover(refusals(new Rule(Violation.UNIQUE, "", Refusal.POINT_NAME_TAKEN)));
  }

  Future<Boolean> withdrawPoint(SqlClient db, UUID id) {
    return db.preparedQuery("UPDATE visio_point SET active = false WHERE id = $1 AND active").execute(Tuple.of(id))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The lock a booking at this point holds shared: held by the withdrawal of the point. */
  Future<Void> lockPoint(SqlClient db, UUID pointId) {
    return VisioStore.lock(db, "point:" + pointId);
  }

  static final String OPEN_AT_POINT = """
      SELECT reference, starts_at FROM appointment
      WHERE point_id = $1 AND status IN ('offered', 'booked', 'in_call')
        AND period && tstzrange($2::timestamptz - interval '1 day', NULL)
        AND (upper(period) > $2::timestamptz OR status = 'in_call')
      ORDER BY starts_at LIMIT $3""";

  /**
   * Open appointments at the point that have not ended yet, earliest first (a few: to name them), and calls still
   * going on past their slot (a withdrawal closes the point's screens: it would cut her call, review r25): those whose
   * period meets what is left of time or the day before, found by the point's exclusion index, not every appointment
   * the point ever left open. An appointment holds its agent a day at most (V119): a call began within that day.
   */
  Future<List<AppointmentInTheWay>> openAppointmentsAtPoint(SqlClient db, UUID pointId, Instant now, int limit) {
    return db.preparedQuery(OPEN_AT_POINT)
        .execute(Tuple.of(pointId, utc(now), limit))
        .map(rows -> Rows.map(rows, VisioStore::inTheWay));
  }

  private static VisioRecords.Point point(Row r) {
    return new VisioRecords.Point(Rows.id(r, "id"), r.getString("name"), r.getString("commune"), r.getString("kind"),
        r.getString("address"), VisioStore.hours(VisioStore.json(r, "hours")), Rows.id(r, "organisation_id"),
        r.getString("phone"));
  }
}
