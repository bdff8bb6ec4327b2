package fr.cantou.stats;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** SQL of the département's statistics: aggregates only, never a patient or a citizen. */
public final class StatsStore {

  public Future<List<Overview.Named>> teleconsultationsByOrganisation(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("""
            SELECT o.name, count(*) AS n FROM teleconsultation t JOIN organisation o ON o.id = t.organisation_id
            WHERE t.created_at >= $1 AND t.created_at < $2 GROUP BY o.name ORDER BY n DESC, o.name""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> new Overview.Named(r.getString("name"), r.getLong("n"))));
  }

  public Future<List<Overview.BySpecialty>> teleconsultationsBySpecialty(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("""
            SELECT s.label, count(*) AS n FROM teleconsultation t JOIN specialty s ON s.code = t.specialty
            WHERE t.created_at >= $1 AND t.created_at < $2 GROUP BY s.label ORDER BY n DESC, s.label""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> new Overview.BySpecialty(r.getString("label"), r.getLong("n"))));
  }

  /**
   * How many requests of each kind the nurses asked for in the period (an opinion the doctor
   * turned into a call stays an opinion here, and is counted as turned), and how long each kind
   * waited for a doctor (median).
   */
  public Future<List<Overview.ByKind>> teleconsultationsByKind(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("""
            SELECT t.asked_kind, count(*) AS n, count(*) FILTER (WHERE t.kind <> t.asked_kind) AS turned,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM
                     (SELECT min(l.at) FROM teleconsultation_timeline l
                      WHERE l.teleconsultation_id = t.id AND l.action = 'assigned') - t.queued_at) / 60) AS median
            FROM teleconsultation t WHERE t.created_at >= $1 AND t.created_at < $2
            GROUP BY t.asked_kind ORDER BY t.asked_kind DESC""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> Rows.map(rows, r -> new Overview.ByKind(r.getString("asked_kind"), r.getLong("n"),
            r.getDouble("median"), r.getLong("turned"))));
  }

  /** Waiting time = from entering the queue to being taken, for those taken in the period. */
  public record Waits(Double medianMinutes, Double p90Minutes) {}

  public record Outcomes(long completed, long noShows, long cancelled) {}

  public Future<Waits> waits(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("""
            SELECT count(*) AS total,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM assigned_at - queued_at) / 60) AS median,
                   percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM assigned_at - queued_at) / 60) AS p90
            FROM (SELECT (SELECT min(l.at) FROM teleconsultation_timeline l
                          WHERE l.teleconsultation_id = t.id AND l.action = 'assigned') AS assigned_at, t.queued_at
                  FROM teleconsultation t WHERE t.created_at >= $1 AND t.created_at < $2) AS w
            WHERE assigned_at IS NOT NULL""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Waits(r.getDouble("median"), r.getDouble("p90"));
        });
  }

  public Future<Long> teleconsultationCount(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("SELECT count(*) AS n FROM teleconsultation WHERE created_at >= $1 AND created_at < $2")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  public Future<List<Overview.ByDate>> bookingsByDay(SqlClient db, Instant from, Instant to, String zone) {
    return db.preparedQuery("""
            SELECT (starts_at AT TIME ZONE $3)::date AS day, count(*) AS n FROM appointment
            WHERE starts_at >= $1 AND starts_at < $2 AND status <> 'offered' GROUP BY day ORDER BY day""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC), zone))
        .map(rows -> Rows.map(rows, r -> new Overview.ByDate(r.getLocalDate("day"), r.getLong("n"))));
  }

  public Future<Outcomes> appointmentOutcomes(SqlClient db, Instant from, Instant to) {
    return db.preparedQuery("""
            SELECT count(*) FILTER (WHERE status = 'completed') AS completed,
                   count(*) FILTER (WHERE status = 'no_show') AS no_shows,
                   count(*) FILTER (WHERE status = 'cancelled') AS cancelled
            FROM appointment WHERE starts_at >= $1 AND starts_at < $2""")
        .execute(Tuple.of(from.atOffset(ZoneOffset.UTC), to.atOffset(ZoneOffset.UTC)))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Outcomes(r.getLong("completed"), r.getLong("no_shows"), r.getLong("cancelled"));
        });
  }
}
