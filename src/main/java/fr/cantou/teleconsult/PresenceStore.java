package fr.cantou.teleconsult;

import fr.cantou.platform.db.Rows;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static fr.cantou.teleconsult.TeleconsultStore.utc;

/** SQL of doctors' presence and of the live connections each node counts. */
public final class PresenceStore {
  private static final String SELECT = """
      SELECT u.id, u.display_name, COALESCE(p.status, 'offline') AS status, p.updated_at,
             ARRAY(SELECT s.specialty_code FROM user_specialty s WHERE s.user_id = u.id ORDER BY 1) AS specialties
      FROM app_user u LEFT JOIN doctor_presence p ON p.doctor_id = u.id
      WHERE u.role = 'doctor' AND u.active""";

  public Future<List<DoctorPresence>> all(SqlClient db) {
    return db.query(SELECT + " ORDER BY u.display_name").execute().map(rows -> Rows.map(rows, PresenceStore::presence));
  }

  public Future<Optional<DoctorPresence>> of(SqlClient db, UUID doctorId) {
    return db.preparedQuery(SELECT + " AND u.id = $1").execute(Tuple.of(doctorId))
        .map(rows -> Rows.first(rows).map(PresenceStore::presence));
  }

  /** Sets the status; answers false when it already was that (no event to send). */
  public Future<Boolean> set(SqlClient db, UUID doctorId, String status, Instant now) {
    return db.preparedQuery("""
            INSERT INTO doctor_presence (doctor_id, status, updated_at) VALUES ($1, $2, $3)
            ON CONFLICT (doctor_id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at
            WHERE doctor_presence.status <> excluded.status RETURNING doctor_id""")
        .execute(Tuple.of(doctorId, status, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  /** busy while in a call; back to available afterwards only if the call had made it busy. */
  public Future<Boolean> setIf(SqlClient db, UUID doctorId, String from, String to, Instant now) {
    return db.preparedQuery("UPDATE doctor_presence SET status = $3, updated_at = $4 WHERE doctor_id = $1 AND status = $2")
        .execute(Tuple.of(doctorId, from, to, utc(now)))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Void> connections(SqlClient db, String nodeId, UUID doctorId, int delta, Instant now) {
    return db.preparedQuery("""
            WITH counted AS (
              INSERT INTO doctor_connection (node_id, doctor_id, connections, changed_at) VALUES ($1, $2, GREATEST($3, 0), $4)
              ON CONFLICT (node_id, doctor_id)
              DO UPDATE SET connections = GREATEST(doctor_connection.connections + $3, 0), changed_at = $4
              RETURNING connections)
            UPDATE doctor_presence SET disconnected_at = CASE WHEN $3 < 0 THEN $4 ELSE NULL END
            WHERE doctor_id = $2 AND ($3 > 0 OR (SELECT connections FROM counted) = 0)""")
        .execute(Tuple.of(nodeId, doctorId, delta, utc(now)))
        .mapEmpty();
  }

  /**
   * The node's consoles, counted whole: a count it has changes (and its changed_at with it), a
   * doctor it no longer has goes to 0; counts already right are left as they are.
   */
  public Future<Void> consolesOfNode(SqlClient db, String nodeId, Map<UUID, Integer> counts, Instant now) {
    UUID[] doctors = counts.keySet().toArray(UUID[]::new);
    Integer[] numbers = java.util.Arrays.stream(doctors).map(counts::get).toArray(Integer[]::new);
    return db.preparedQuery("""
            UPDATE doctor_connection SET connections = 0, changed_at = $3
            WHERE node_id = $1 AND connections > 0 AND NOT (doctor_id = ANY($2::uuid[]))""")
        .execute(Tuple.of(nodeId, doctors, utc(now)))
        .compose(v -> db.preparedQuery("""
                INSERT INTO doctor_connection (node_id, doctor_id, connections, changed_at)
                SELECT $1, d, n, $4 FROM unnest($2::uuid[], $3::int[]) AS c(d, n)
                ON CONFLICT (node_id, doctor_id) DO UPDATE SET connections = excluded.connections, changed_at = excluded.changed_at
                WHERE doctor_connection.connections <> excluded.connections""")
            .execute(Tuple.of(nodeId, doctors, numbers, utc(now))))
        .mapEmpty();
  }

  public Future<Void> nodeAlive(SqlClient db, String nodeId, Instant now) {
    return db.preparedQuery("""
            INSERT INTO node_heartbeat (node_id, seen_at) VALUES ($1, $2)
            ON CONFLICT (node_id) DO UPDATE SET seen_at = excluded.seen_at""")
        .execute(Tuple.of(nodeId, utc(now)))
        .mapEmpty();
  }

  /**
   * A node that stops: its consoles are closed now. The rows stay, at 0, so that a doctor who
   * does not come back on another node is known to have left at this time.
   */
  public Future<Void> nodeGone(SqlClient db, String nodeId, Instant now) {
    return db.preparedQuery("UPDATE doctor_connection SET connections = 0, changed_at = $2 WHERE node_id = $1 AND connections > 0")
        .execute(Tuple.of(nodeId, utc(now)))
        .compose(v -> db.preparedQuery("DELETE FROM node_heartbeat WHERE node_id = $1").execute(Tuple.of(nodeId)))
        .mapEmpty();
  }

  /** Counts that no longer say anything (closed, or of a node long dead) and last changed before {@code before}. */
  public Future<Void> forgetOldConnections(SqlClient db, Instant before, Instant nodeAliveAfter) {
    return db.preparedQuery("""
            DELETE FROM doctor_connection c
            WHERE COALESCE(c.changed_at, '-infinity') < $1
              AND (c.connections = 0 OR NOT EXISTS (SELECT 1 FROM node_heartbeat n
                                                    WHERE n.node_id = c.node_id AND n.seen_at > $2))""")
        .execute(Tuple.of(utc(before), utc(nodeAliveAfter)))
        .mapEmpty();
  }

  /**
   * Doctors shown present with no live connection on any living node for longer than the
   * grace period are offline now: {@code most} of them, rows another node's sweep holds skipped.
   */
  public Future<List<UUID>> offlineUnconnected(SqlClient db, Instant disconnectedBefore, Instant nodeAliveAfter, Instant now,
                                               int most) {
    return db.preparedQuery("""
            UPDATE doctor_presence SET status = 'offline', updated_at = $3
            WHERE doctor_id IN (
              SELECT p.doctor_id FROM doctor_presence p
              WHERE p.status <> 'offline'
                AND COALESCE(p.disconnected_at, p.updated_at) < $1
                AND NOT EXISTS (SELECT 1 FROM doctor_connection c JOIN node_heartbeat n ON n.node_id = c.node_id
                                WHERE c.doctor_id = p.doctor_id AND c.connections > 0 AND n.seen_at > $2)
              ORDER BY p.doctor_id LIMIT $4 FOR UPDATE OF p SKIP LOCKED)
            RETURNING doctor_id""")
        .execute(Tuple.of(utc(disconnectedBefore), utc(nodeAliveAfter), utc(now), most))
        .map(rows -> Rows.map(rows, r -> r.getUUID("doctor_id")));
  }

  private static DoctorPresence presence(Row r) {
    return new DoctorPresence(Rows.id(r, "id"), r.getString("display_name"), r.getString("status"),
        Rows.strings(r, "specialties"), Rows.instant(r, "updated_at"));
  }
}
